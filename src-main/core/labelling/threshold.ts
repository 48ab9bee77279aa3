// Threshold-limited painting: a gate that admits only voxels whose physical value (stored × slope + intercept,
// HU for CT) lies inside [lo, hi], both ends included. The brush asks the gate before writing a voxel.

import type { Rescale, VoxelArray } from '../volume/types';

export interface ValueRange {
  lo: number;
  hi: number;
}

export function valueGate(voxels: VoxelArray, rescale: Rescale, range: ValueRange): (idx: number) => boolean {
  const { slope, intercept } = rescale;
  const lo = Math.min(range.lo, range.hi);
  const hi = Math.max(range.lo, range.hi);
  return (idx) => {
    const v = voxels[idx]! * slope + intercept;
    return v >= lo && v <= hi;
  };
}
