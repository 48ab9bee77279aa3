// Clean-up by connected components of the active label: keep the largest component, or remove islands
// smaller than a size. Both return the voxels to erase (set to 0); the caller writes them through the paint
// rule and records the edit. Connectivity and scope: see connected.ts (3D: 6-connected over the grid;
// 2D: 4-connected within each slice, on one slice or on every slice, largest kept per slice).
//
// Index layout of the results: flat i + j*nx + k*nx*ny.

import type { Vec3 } from '../geometry/affine';
import type { Scope } from './connected';
import { components, labelBox, voxelsOf } from './connected';

/** Voxels of `label` outside its largest component (per slice in 2D; ties keep the first found). */
export function outsideLargestComponent(
  mask: Uint8Array,
  dims: Vec3,
  label: number,
  scope: Scope,
): Int32Array {
  const box = labelBox(mask, dims, label, scope);
  if (!box) return new Int32Array(0);
  const c = components(mask, dims, box, scope, (v) => v === label);
  const best = new Map<number, number>();
  for (let id = 1; id < c.sizes.length; id++) {
    const key = c.slices[id]!;
    const cur = best.get(key);
    if (cur === undefined || c.sizes[id]! > c.sizes[cur]!) best.set(key, id);
  }
  return voxelsOf(c, dims, (id) => best.get(c.slices[id]!) !== id);
}

/** Voxels of `label` in components of fewer than `minVoxels` voxels. */
export function smallIslands(
  mask: Uint8Array,
  dims: Vec3,
  label: number,
  scope: Scope,
  minVoxels: number,
): Int32Array {
  const box = labelBox(mask, dims, label, scope);
  if (!box) return new Int32Array(0);
  const c = components(mask, dims, box, scope, (v) => v === label);
  return voxelsOf(c, dims, (id) => c.sizes[id]! < minVoxels);
}

/** The smallest voxel count that makes at least `ml` millilitres (1 mL = 1000 mm³) with this spacing (mm). */
export function voxelsForMillilitres(ml: number, spacing: Vec3): number {
  const voxelMm3 = spacing[0] * spacing[1] * spacing[2];
  return Math.max(0, Math.ceil((ml * 1000) / voxelMm3 - 1e-9));
}
