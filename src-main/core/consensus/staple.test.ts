// Binary STAPLE: the pattern-histogram EM against ITK's voxel-by-voxel loop on random raters, a case
// worked by hand, the degenerate inputs, and the options.
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../errors';
import { blob, random } from '../metrics/test-support/naive';
import { staple } from './staple';
import { voxelStaple } from './test-support/itk-loops';

function raters(seed: number, count: number, dims: [number, number, number]): Uint8Array[] {
  const rnd = random(seed);
  return Array.from({ length: count }, (_, r) =>
    blob(
      dims,
      [dims[0] / 2 + r - count / 2, dims[1] / 2, dims[2] / 2],
      [dims[0] / 3.5, dims[1] / 3, dims[2] / 3],
      rnd,
      1,
      0.5,
    ),
  );
}

describe('STAPLE', () => {
  it("equals ITK's voxel-by-voxel EM (iterations, p, q, every W) on random raters", () => {
    for (const [seed, count] of [
      [1, 2],
      [2, 3],
      [3, 5],
      [4, 8],
    ] as const) {
      const masks = raters(seed, count, [20, 18, 9]);
      const got = staple(masks);
      const want = voxelStaple(masks, 1);
      expect(got.iterations).toBe(want.iterations);
      got.sensitivity.forEach((p, r) => expect(Math.abs(p! - want.p[r]!)).toBeLessThan(1e-12));
      got.specificity.forEach((q, r) => expect(Math.abs(q! - want.q[r]!)).toBeLessThan(1e-12));
      expect([...got.probability!]).toEqual([...want.W]);
      let fg = 0;
      want.W.forEach((w, v) => {
        expect(got.mask[v]).toBe(w > 0.5 ? 1 : 0);
        if (w > 0.5) fg++;
      });
      expect(got.foregroundVoxels).toBe(fg);
    }
  });

  it('works on the map of patterns beyond 16 raters', () => {
    const masks = raters(9, 17, [24, 10, 6]);
    const got = staple(masks);
    const want = voxelStaple(masks, 1);
    expect(got.iterations).toBe(want.iterations);
    expect([...got.probability!]).toEqual([...want.W]);
  });

  it('agrees with a hand-computed first iteration', () => {
    // 2 raters, 4 voxels: patterns (1,1), (1,0), (0,0), (0,0). W0 = 1, 0.5, 0, 0; g = 1.5 / 4 = 0.375.
    // M step: p = (1.5/1.5, 1/1.5) = (1, 2/3); q = (2/2.5, 2.5/2.5) = (0.8, 1).
    const got = staple([Uint8Array.from([1, 1, 0, 0]), Uint8Array.from([1, 0, 0, 0])], {
      maxIterations: 1,
      precision: 'float64',
    });
    expect(got.prior).toBe(0.375);
    expect(got.sensitivity[0]).toBeCloseTo(1, 15);
    expect(got.sensitivity[1]).toBeCloseTo(2 / 3, 15);
    expect(got.specificity).toEqual([0.8, 1]);
    expect(got.iterations).toBe(1);
    expect(got.converged).toBe(false);
    // E step for (1, 0): a = 1 * (1/3), b = (1 - 0.8) * 1 -> W = 0.375/3 / (0.375/3 + 0.625 * 0.2)
    expect(got.probability![1]).toBeCloseTo(0.375 / 3 / (0.375 / 3 + 0.625 * 0.2), 7);
  });

  it('defines the degenerate cases instead of returning NaN', () => {
    const none = staple([new Uint8Array(5), new Uint8Array(5)]);
    expect(none).toMatchObject({
      reason: 'no-foreground',
      iterations: 0,
      sensitivity: [null, null],
      specificity: [1, 1],
      foregroundVoxels: 0,
    });
    expect([...none.probability!]).toEqual([0, 0, 0, 0, 0]);
    const all = staple([new Uint8Array(3).fill(1), new Uint8Array(3).fill(1)]);
    expect(all).toMatchObject({
      reason: 'all-foreground',
      sensitivity: [1, 1],
      specificity: [null, null],
      foregroundVoxels: 3,
    });
    expect([...all.mask]).toEqual([1, 1, 1]);
  });

  it('takes a label other than 1, keeps the label in the mask, and can skip the probability map', () => {
    const masks = raters(5, 3, [12, 12, 6]).map((x) => x.map((v) => v * 7));
    const got = staple(masks, { label: 7, probabilityMap: false });
    expect(got.probability).toBeNull();
    expect(new Set(got.mask)).toEqual(new Set([0, 7]));
    expect(got.iterations).toBe(voxelStaple(masks, 7).iterations);
  });

  it('keeps W in float64 when asked (ITK with a double output image)', () => {
    const masks = raters(6, 4, [16, 16, 8]);
    const f32 = staple(masks);
    const f64 = staple(masks, { precision: 'float64' });
    f32.sensitivity.forEach((p, r) => expect(Math.abs(p! - f64.sensitivity[r]!)).toBeLessThan(1e-6));
    expect(f64.parameters.precision).toBe('float64');
  });

  it('checks options and can be cancelled', () => {
    const masks = raters(7, 3, [8, 8, 4]);
    expect(() => staple(masks, { threshold: 1 })).toThrow(/threshold/);
    expect(() => staple(masks, { maxIterations: 0 })).toThrow(/maxIterations/);
    expect(() => staple(masks, {}, { isCancelled: () => true })).toThrow(CancelledError);
  });
});
