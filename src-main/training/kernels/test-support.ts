// Helpers shared by the kernel tests: reproducible random inputs and a relative-error comparison.
import { expect } from 'vitest';

/** n values in [-1, 1) from a small linear congruential generator (reproducible, no dependency). */
export function seededArray(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

/** Max |a - b| / (max |b| + tiny) must be under `rel`: errors measured against the reference's scale,
 *  since a sum of many products has absolute rounding error proportional to its magnitude. */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number): void {
  expect(a.length).toBe(b.length);
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  expect(maxDiff / (scale + 1e-30)).toBeLessThan(rel);
}
