// Brush and eraser: a disc on the current slice (2D) or a ball (3D) of a radius in millimetres, on voxels
// that may be anisotropic. A voxel is inside when its centre lies within the radius of the centre voxel's
// centre, measured in mm with the grid's spacing: (di·si)² + (dj·sj)² + (dk·sk)² <= r². The centre voxel is
// always inside, so the smallest brush paints one voxel.
//
// Index layout: i + j*nx + k*nx*ny (i fastest). Spacing is the length of the affine's i, j, k columns (mm).

import type { Vec3 } from '../geometry/affine';
import type { AxisIndex } from '../geometry/display';
import type { ChangeRecorder } from './change-recorder';
import type { PaintRule } from './paint-rule';

export interface BrushShape {
  radiusMm: number;
  /** mm per voxel along i, j, k. */
  spacing: Vec3;
  /** '2d': a disc in the plane of the slice (the `normalAxis` offset is 0); '3d': a ball. */
  mode: '2d' | '3d';
  /** The voxel axis through the slice being painted (2D). */
  normalAxis: AxisIndex;
}

/** Voxel offsets (di, dj, dk triples) of the brush around its centre, nearest first (row order). */
export function brushOffsets(shape: BrushShape): Int32Array {
  const r = Math.max(0, shape.radiusMm);
  const r2 = r * r;
  const ext = [0, 1, 2].map((a) =>
    shape.mode === '2d' && a === shape.normalAxis ? 0 : Math.floor(r / shape.spacing[a]!),
  );
  const [ei, ej, ek] = ext as [number, number, number];
  const [si, sj, sk] = shape.spacing;
  const out: number[] = [];
  for (let dk = -ek; dk <= ek; dk++) {
    for (let dj = -ej; dj <= ej; dj++) {
      for (let di = -ei; di <= ei; di++) {
        const d2 = (di * si) ** 2 + (dj * sj) ** 2 + (dk * sk) ** 2;
        // A hair of tolerance so that a radius of exactly n voxels includes the n-th voxel despite rounding.
        if (d2 <= r2 * (1 + 1e-9)) out.push(di, dj, dk);
      }
    }
  }
  return Int32Array.from(out);
}

/**
 * One dab of the brush at voxel `centre`: every voxel of the shape inside the grid that the gate admits
 * (threshold painting) is written as the rule says. Returns the number of voxels that changed.
 */
export function dab(
  rec: ChangeRecorder,
  centre: Vec3,
  offsets: Int32Array,
  rule: PaintRule,
  gate?: (idx: number) => boolean,
): number {
  const [nx, ny, nz] = rec.dims;
  const nxy = nx * ny;
  const [ci, cj, ck] = centre;
  let changed = 0;
  for (let n = 0; n < offsets.length; n += 3) {
    const i = ci + offsets[n]!;
    const j = cj + offsets[n + 1]!;
    const k = ck + offsets[n + 2]!;
    if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) continue;
    const idx = i + j * nx + k * nxy;
    if (gate && !gate(idx)) continue;
    if (rec.apply(idx, rule)) changed++;
  }
  return changed;
}

/**
 * Dab centres along a drag from voxel `from` to voxel `to` (both included), one per voxel step along the
 * longest axis, so that a fast drag leaves no gaps between dabs.
 */
export function strokeCentres(from: Vec3, to: Vec3): Vec3[] {
  const d: Vec3 = [to[0] - from[0], to[1] - from[1], to[2] - from[2]];
  const steps = Math.max(Math.abs(d[0]), Math.abs(d[1]), Math.abs(d[2]));
  if (steps === 0) return [[...from]];
  const out: Vec3[] = [];
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    out.push([
      Math.round(from[0] + d[0] * t),
      Math.round(from[1] + d[1] * t),
      Math.round(from[2] + d[2] * t),
    ]);
  }
  return out;
}
