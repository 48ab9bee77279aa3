// "Auto" window/level from the value histogram: the 1st to 99th percentile of the physical values.
//
// Large volumes are sampled (a fixed, well-spread sequence of indices, so the result is deterministic and
// does not alias with row or slice lengths the way a regular stride would); volumes with at most
// `maxSamples` voxels are read in full, so their percentiles are exact.

import type { Rescale, VoxelArray } from '@core/volume/types';
import type { WindowLevel } from './windowLevel';

export interface AutoWindowOptions {
  /** Percentiles in 0..100. */
  lowPercent?: number;
  highPercent?: number;
  maxSamples?: number;
}

/** Golden-ratio fraction: successive multiples fill [0, 1) evenly without a period. */
const PHI_FRACTION = 0.6180339887498949;

/** Physical values of (a sample of) the first `count` voxels, sorted ascending. */
export function sortedSample(
  voxels: VoxelArray,
  count: number,
  rescale: Rescale,
  maxSamples: number,
): Float64Array {
  const n = Math.min(count, voxels.length);
  const m = Math.min(n, maxSamples);
  const out = new Float64Array(m);
  if (m === n) {
    for (let i = 0; i < n; i++) out[i] = voxels[i]! * rescale.slope + rescale.intercept;
  } else {
    let f = 0;
    for (let s = 0; s < m; s++) {
      f += PHI_FRACTION;
      if (f >= 1) f -= 1;
      out[s] = voxels[Math.floor(f * n)]! * rescale.slope + rescale.intercept;
    }
  }
  return out.sort();
}

/** Value at percentile p (0..100) of sorted values: the lower nearest rank, sorted[floor(p/100*(n−1))]. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.floor((Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1));
  return sorted[idx]!;
}

/** Window/level spanning the low..high percentiles; a constant image gets a window of 1 around its value. */
export function autoWindow(
  voxels: VoxelArray,
  count: number,
  rescale: Rescale,
  opts: AutoWindowOptions = {},
): WindowLevel {
  const sorted = sortedSample(voxels, count, rescale, opts.maxSamples ?? 262_144);
  const lo = percentile(sorted, opts.lowPercent ?? 1);
  const hi = percentile(sorted, opts.highPercent ?? 99);
  if (!(hi > lo)) return { window: 1, level: lo };
  return { window: hi - lo, level: (hi + lo) / 2 };
}
