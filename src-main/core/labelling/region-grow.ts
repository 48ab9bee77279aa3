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
  const ok = (idx: number): boolean => {
    const v = voxels[idx]! * slope + intercept;
    return v >= lo && v <= hi && (!o.admit || o.admit(idx));
  };
  const max = Math.max(0, Math.floor(o.maxVoxels));
  if (max === 0 || !ok(seedIdx)) return { indices: new Int32Array(0), truncated: false, seedValue };

  // Which axes the region may move along, with their flat-index strides.
  const moves: { axis: AxisIndex; stride: number }[] = [];
  for (const axis of [0, 1, 2] as const) {
    if (o.mode === '2d' && axis === o.normalAxis) continue;
    moves.push({ axis, stride: axis === 0 ? 1 : axis === 1 ? nx : nxy });
  }
  const visited = new Uint32Array(Math.ceil((nxy * nz) / 32));
  const mark = (idx: number): void => {
    visited[idx >>> 5] = visited[idx >>> 5]! | (1 << (idx & 31));
  };
  const seen = (idx: number): boolean => (visited[idx >>> 5]! & (1 << (idx & 31))) !== 0;
  let queue = new Int32Array(Math.min(max, 4096));
  let head = 0;
  let tail = 0;
  queue[tail++] = seedIdx;
  mark(seedIdx);
  let truncated = false;
  while (head < tail) {
    const idx = queue[head++]!;
    const k = Math.floor(idx / nxy);
    const r = idx - k * nxy;
    const j = Math.floor(r / nx);
    const i = r - j * nx;
    const pos = [i, j, k];
    for (const m of moves) {
      const p = pos[m.axis]!;
      const n = dims[m.axis];
      for (const step of [-1, 1]) {
        if (p + step < 0 || p + step >= n) continue;
        const q = idx + step * m.stride;
        if (seen(q)) continue;
        mark(q);
        if (!ok(q)) continue;
        if (tail === max) {
          truncated = true;
          continue;
        }
        if (tail === queue.length) {
          const bigger = new Int32Array(Math.min(max, queue.length * 2));
          bigger.set(queue);
          queue = bigger;
        }
        queue[tail++] = q;
      }
    }
  }
  return { indices: queue.slice(0, tail), truncated, seedValue };
}
