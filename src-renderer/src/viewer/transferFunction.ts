// Transfer functions of the 3D view, following the current window/level (physical units, HU for CT).
//  - 'vr' (composite volume rendering): transparent below L − W/2, rising to OPACITY_MAX at L + W/2, with
//    a warm tissue-to-bone colour ramp over the same range.
//  - 'mip' (maximum intensity projection): a grey ramp over the window, fully opaque (MIP ignores opacity
//    for compositing but vtk.js still needs a function).

import type { WindowLevel } from './windowLevel';
import { windowRange } from './windowLevel';

export type RenderMode = 'vr' | 'mip';

export interface TransferPoints {
  /** (value, r, g, b), colours in 0..1. */
  colour: [number, number, number, number][];
  /** (value, opacity in 0..1). */
  opacity: [number, number][];
}

export const OPACITY_MAX = 0.85;

export function transferPoints(wl: WindowLevel, mode: RenderMode): TransferPoints {
  const [lo, hi] = windowRange(wl);
  if (mode === 'mip') {
    return {
      colour: [
        [lo, 0, 0, 0],
        [hi, 1, 1, 1],
      ],
      opacity: [
        [lo, 0],
        [hi, 1],
      ],
    };
  }
  const mid = (lo + hi) / 2;
  return {
    colour: [
      [lo, 0.55, 0.25, 0.15],
      [mid, 0.88, 0.6, 0.45],
      [hi, 1, 0.98, 0.92],
    ],
    opacity: [
      [lo, 0],
      [mid, OPACITY_MAX * 0.25],
      [hi, OPACITY_MAX],
    ],
  };
}
