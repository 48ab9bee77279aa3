// What the readout shows for a voxel: its index, its LPS position and its physical value, and how each is
// written. Values are exact: stored * slope + intercept, from the same typed array the slices are drawn from.

import type { Mat4, Vec3 } from '@core/geometry/affine';
import { transformPoint } from '@core/geometry/affine';
import type { Rescale, VoxelArray } from '@core/volume/types';

export interface VoxelReadout {
  ijk: Vec3;
  /** LPS mm of the voxel centre. */
  lps: Vec3;
  /** Physical value (HU for CT) of frame 0. */
  value: number;
}

export function flatIndex(dims: Vec3, ijk: Vec3): number {
  return ijk[0] + ijk[1] * dims[0] + ijk[2] * dims[0] * dims[1];
}

export function physicalValue(voxels: VoxelArray, dims: Vec3, rescale: Rescale, ijk: Vec3): number {
  return voxels[flatIndex(dims, ijk)]! * rescale.slope + rescale.intercept;
}

export function readVoxel(
  voxels: VoxelArray,
  dims: Vec3,
  rescale: Rescale,
  affineLPS: Mat4,
  ijk: Vec3,
): VoxelReadout {
  return { ijk, lps: transformPoint(affineLPS, ijk), value: physicalValue(voxels, dims, rescale, ijk) };
}

/** "i, j, k" */
export function formatIjk(ijk: Vec3): string {
  return `${ijk[0]}, ${ijk[1]}, ${ijk[2]}`;
}

/** "x, y, z" in mm, two decimals (−0 written as 0). */
export function formatLps(p: Vec3): string {
  return p.map((x) => (Math.abs(x) < 0.005 ? 0 : x).toFixed(2)).join(', ');
}

/**
 * Integers as they are (HU); other values with up to 6 significant digits, trailing zeros dropped.
 * The exact number is also in the readout's data-value attribute.
 */
export function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}
