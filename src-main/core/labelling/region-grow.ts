// Region growing (flood fill) from a seed voxel: every voxel connected to the seed through voxels whose
// physical value is within `tolerance` of the seed's value. 3D uses 6-connectivity (face neighbours);
// 2D stays on the seed's slice with 4-connectivity in its plane. The region is bounded by `maxVoxels`, so
// a click on a large tissue class cannot fill the whole volume by accident (the result says it stopped).
//
// Index layout: i + j*nx + k*nx*ny (i fastest). Values are physical: stored × slope + intercept.

import type { Vec3 } from '../geometry/affine';
import type { AxisIndex } from '../geometry/display';
import type { Rescale, VoxelArray } from '../volume/types';

export interface GrowOptions {
  seed: Vec3;
  /** Physical units (HU for CT): admits values in [seed − tolerance, seed + tolerance]. */
  tolerance: number;
  mode: '2d' | '3d';
  /** 2D: the voxel axis through the slice (the region keeps the seed's index on it). */
  normalAxis: AxisIndex;
  maxVoxels: number;
  /** Extra condition on a voxel (e.g. "not a protected label"); voxels it refuses stop the growth. */
  admit?: (idx: number) => boolean;
}

export interface GrowResult {
  /** Flat indices of the region, in breadth-first order from the seed. */
  indices: Int32Array;
  /** The region reached maxVoxels before it was complete. */
  truncated: boolean;
  seedValue: number;
}

export function regionGrow(voxels: VoxelArray, dims: Vec3, rescale: Rescale, o: GrowOptions): GrowResult {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const [si, sj, sk] = o.seed;
  if (si < 0 || sj < 0 || sk < 0 || si >= nx || sj >= ny || sk >= nz) {
    throw new RangeError(`seed ${o.seed.join(', ')} lies outside the ${dims.join('×')} grid`);
  }
  const seedIdx = si + sj * nx + sk * nxy;
  const { slope, intercept } = rescale;
  const seedValue = voxels[seedIdx]! * slope + intercept;
  const tol = Math.abs(o.tolerance);
  const lo = seedValue - tol;
  const hi = seedValue + tol;
  const max = Math.max(0, Math.floor(o.maxVoxels));
  const seedOk = seedValue >= lo && seedValue <= hi && (!o.admit || o.admit(seedIdx));
  if (max === 0 || !seedOk) return { indices: new Int32Array(0), truncated: false, seedValue };

  // Which axes the region may move along (2D: not through the slice).
  const alongI = !(o.mode === '2d' && o.normalAxis === 0);
  const alongJ = !(o.mode === '2d' && o.normalAxis === 1);
  const alongK = !(o.mode === '2d' && o.normalAxis === 2);
  const visited = new Uint32Array(Math.ceil((nxy * nz) / 32));
  visited[seedIdx >>> 5] = 1 << (seedIdx & 31);
  let queue = new Int32Array(Math.min(max, 4096));
  let head = 0;
  let tail = 0;
  queue[tail++] = seedIdx;
  let truncated = false;
  const admit = o.admit;
  // One neighbour: marked seen whatever its value, queued when it belongs to the region.
  const visit = (q: number): void => {
    const w = q >>> 5;
    const bit = 1 << (q & 31);
    if ((visited[w]! & bit) !== 0) return;
    visited[w] = visited[w]! | bit;
    const v = voxels[q]! * slope + intercept;
    if (v < lo || v > hi || (admit !== undefined && !admit(q))) return;
    if (tail === max) {
      truncated = true;
      return;
    }
    if (tail === queue.length) {
      const bigger = new Int32Array(Math.min(max, queue.length * 2));
      bigger.set(queue);
      queue = bigger;
    }
    queue[tail++] = q;
  };
  while (head < tail) {
    const idx = queue[head++]!;
    const k = Math.floor(idx / nxy);
    const r = idx - k * nxy;
    const j = Math.floor(r / nx);
    const i = r - j * nx;
    if (alongI) {
      if (i > 0) visit(idx - 1);
      if (i < nx - 1) visit(idx + 1);
    }
    if (alongJ) {
      if (j > 0) visit(idx - nx);
      if (j < ny - 1) visit(idx + nx);
    }
    if (alongK) {
      if (k > 0) visit(idx - nxy);
      if (k < nz - 1) visit(idx + nxy);
    }
  }
  return { indices: queue.slice(0, tail), truncated, seedValue };
}
