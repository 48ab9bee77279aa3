// The grids the 3D view contours to show a label's surface: for each label present, the fraction of each
// block of f_i × f_j × f_k voxels holding it, over the label's bounding box plus one empty block all round
// (so the surface closes), within a voxel budget. Contouring the fraction at 0.5 puts the surface where the
// label's boundary is, at the block resolution.
//
// Frames: the grid lives in voxel index space — grid point (a, b, c) is the centre of its block, at voxel
// index origin + (a, b, c) × factors — and the view maps index space to LPS with the volume's affine.
// Index layout in and out: i fastest.

import type { Vec3 } from '@core/geometry/affine';
import { textureFactors } from '../volumeTexture';

export interface LabelGrid {
  label: number;
  dims: Vec3;
  /** Voxel index of grid point (0, 0, 0) (a block centre; may be fractional or outside the volume). */
  origin: Vec3;
  /** Voxels per grid step along i, j, k. */
  factors: Vec3;
  /** Fraction of the block's voxels holding the label, 0..1. */
  data: Float32Array;
}

/** Bounding boxes (inclusive voxel indices [i0, i1, j0, j1, k0, k1]) of every label value present. */
export function labelBounds(mask: Uint8Array, dims: Vec3): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const [nx, ny, nz] = dims;
  let idx = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, idx++) {
        const l = mask[idx]!;
        if (l === 0) continue;
        const b = out.get(l);
        if (!b) out.set(l, [i, i, j, j, k, k]);
        else {
          if (i < b[0]!) b[0] = i;
          if (i > b[1]!) b[1] = i;
          if (j < b[2]!) b[2] = j;
          if (j > b[3]!) b[3] = j;
          if (k < b[4]!) b[4] = k;
          if (k > b[5]!) b[5] = k;
        }
      }
    }
  }
  return out;
}

/** The fraction grid of one label within `bounds` (from labelBounds), at most `maxVoxels` grid points. */
export function labelGrid(
  mask: Uint8Array,
  dims: Vec3,
  label: number,
  bounds: number[],
  maxVoxels: number,
  maxDim: number,
): LabelGrid {
  const ext: Vec3 = [bounds[1]! - bounds[0]! + 1, bounds[3]! - bounds[2]! + 1, bounds[5]! - bounds[4]! + 1];
  const factors = textureFactors(ext, maxVoxels, maxDim);
  // Blocks covering the box, plus one empty block on each side.
  const inner: Vec3 = [0, 1, 2].map((a) => Math.ceil(ext[a]! / factors[a]!)) as Vec3;
  const gd: Vec3 = [inner[0] + 2, inner[1] + 2, inner[2] + 2];
  const data = new Float32Array(gd[0] * gd[1] * gd[2]);
  const [nx, ny] = dims;
  const [fi, fj, fk] = factors;
  const [i0, , j0, , k0] = bounds as [number, number, number, number, number, number];
  for (let k = k0; k <= bounds[5]!; k++) {
    const c = Math.floor((k - k0) / fk) + 1;
    for (let j = j0; j <= bounds[3]!; j++) {
      const b = Math.floor((j - j0) / fj) + 1;
      const row = j * nx + k * nx * ny;
      const gRow = (b + c * gd[1]) * gd[0];
      for (let i = i0; i <= bounds[1]!; i++) {
        if (mask[row + i] === label) data[gRow + Math.floor((i - i0) / fi) + 1]! += 1;
      }
    }
  }
  const blockVoxels = fi * fj * fk;
  for (let n = 0; n < data.length; n++) data[n] = data[n]! / blockVoxels;
  const origin: Vec3 = [0, 1, 2].map((a) => bounds[a * 2]! - factors[a]! + (factors[a]! - 1) / 2) as Vec3;
  return { label, dims: gd, origin, factors, data };
}
