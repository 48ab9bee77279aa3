// Summary statistics over the physical values (stored * slope + intercept), accumulated in float64.
// NaN voxels (possible in float images) are left out of every statistic and counted separately.
import type { Rescale, VoxelArray } from './types';

export interface VolumeStats {
  min: number;
  max: number;
  mean: number;
  sum: number;
  /** Voxels that entered the statistics. */
  count: number;
  nanCount: number;
}

export function computeStats(data: VoxelArray, rescale: Rescale): VolumeStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let nanCount = 0;
  // Stored-value extremes and sum first, then rescale once: exact for integer data and one
  // multiply per voxel fewer. The rescale is affine, so a negative slope swaps min and max.
  const n = data.length;
  if (data instanceof Float32Array || data instanceof Float64Array) {
    for (let i = 0; i < n; i++) {
      const v = data[i]!;
      if (v !== v) {
        nanCount++;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
  } else {
    // Integers are never NaN: the tighter loop is about twice as fast on a 512x512x300 CT.
    for (let i = 0; i < n; i++) {
      const v = data[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
  }
  const count = n - nanCount;
  if (count === 0) return { min: NaN, max: NaN, mean: NaN, sum: 0, count, nanCount };
  const { slope, intercept } = rescale;
  const a = min * slope + intercept;
  const b = max * slope + intercept;
  const physicalSum = sum * slope + intercept * count;
  return {
    min: Math.min(a, b),
    max: Math.max(a, b),
    mean: physicalSum / count,
    sum: physicalSum,
    count,
    nanCount,
  };
}
