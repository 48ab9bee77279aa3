import { describe, expect, it } from 'vitest';
import { signedDistance2d, squaredDistance2d } from './distance';

/** Brute force: min over feature pixels of ((x−x')·sx)² + ((y−y')·sy)². */
function brute(feature: Uint8Array, w: number, h: number, sx: number, sy: number): Float64Array {
  const out = new Float64Array(w * h).fill(Infinity);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let v = 0; v < h; v++)
        for (let u = 0; u < w; u++)
          if (feature[u + v * w])
            out[x + y * w] = Math.min(out[x + y * w]!, ((x - u) * sx) ** 2 + ((y - v) * sy) ** 2);
  return out;
}

describe('distance transform', () => {
  it('is the squared distance in mm² to the nearest feature, anisotropic pixels', () => {
    const f = Uint8Array.from([1, 0, 0, 0, 0, 0]); // 3×2, feature at (0, 0)
    expect(Array.from(squaredDistance2d(f, 3, 2, 2, 1))).toEqual([0, 4, 16, 1, 5, 17]);
  });

  it('matches brute force on scattered features', () => {
    const w = 9;
    const h = 7;
    // A fixed pseudo-random pattern (LCG), about one pixel in five a feature.
    let s = 12345;
    const f = Uint8Array.from({ length: w * h }, () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s % 5 === 0 ? 1 : 0;
    });
    const fast = squaredDistance2d(f, w, h, 0.7, 1.3);
    const slow = brute(f, w, h, 0.7, 1.3);
    fast.forEach((d, n) => expect(d).toBeCloseTo(slow[n]!, 9));
  });

  it('is infinite everywhere without features', () => {
    expect(Array.from(squaredDistance2d(new Uint8Array(4), 2, 2, 1, 1))).toEqual([
      Infinity,
      Infinity,
      Infinity,
      Infinity,
    ]);
  });

  it('is signed: negative inside, positive outside', () => {
    // 5×1 row with the middle three inside.
    const sd = signedDistance2d(Uint8Array.from([0, 1, 1, 1, 0]), 5, 1, 0.5, 1);
    expect(Array.from(sd)).toEqual([0.5, -0.5, -1, -0.5, 0.5]);
  });
});
