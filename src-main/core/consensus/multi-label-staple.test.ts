// Multi-label STAPLE: the tuple-histogram EM against ITK's voxel-by-voxel loop (with ITK's starting point),
// unanimous raters, and the per-label summaries.
import { describe, expect, it } from 'vitest';
import { random } from '../metrics/test-support/naive';
import { multiLabelStaple } from './multi-label-staple';
import { voxelMultiLabelStaple } from './test-support/itk-loops';

function labelled(seed: number, raters: number, n: number, labels: number): Uint8Array[] {
  const rnd = random(seed);
  const truth = Uint8Array.from({ length: n }, (_, v) => Math.floor((v / n) * labels * 1.5) % labels);
  return Array.from({ length: raters }, () =>
    truth.map((t) => (rnd() < 0.15 ? Math.floor(rnd() * labels) : t)),
  );
}

describe('multi-label STAPLE', () => {
  it("equals ITK's voxel-by-voxel EM (iterations, confusion matrices, labels) on random raters", () => {
    for (const [seed, raters, labels] of [
      [1, 3, 2],
      [2, 4, 3],
      [3, 5, 4],
      [4, 2, 2],
    ] as const) {
      const masks = labelled(seed, raters, 3000, labels);
      const got = multiLabelStaple(masks, { undecidedLabel: 200 });
      const want = voxelMultiLabelStaple(masks, 200);
      expect(got.iterations).toBe(want.iterations);
      got.confusion.forEach((th, r) =>
        th.forEach((row, j) =>
          row.forEach((x, c) => expect(Math.abs(x - want.theta[r]![j * want.L + c]!)).toBeLessThan(1e-12)),
        ),
      );
      expect([...got.mask]).toEqual([...want.out]);
    }
  });

  it('returns identity confusion matrices and the common labels for unanimous raters', () => {
    const a = Uint8Array.from([0, 1, 2, 2, 0, 1]);
    const r = multiLabelStaple([a, a, a], { label: 2 });
    expect([...r.mask]).toEqual([...a]);
    expect(r.confusion[0]).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(r.sensitivity).toEqual([1, 1, 1]);
    expect(r.specificity).toEqual([1, 1, 1]);
    expect(r.priors).toEqual([2 / 6, 2 / 6, 2 / 6]);
    expect([...r.probability!]).toEqual([0, 0, 1, 1, 0, 0]);
    expect(r).toMatchObject({ foregroundVoxels: 4, undecidedVoxels: 0, iterations: 0 });
  });

  it("summarises one label's sensitivity and specificity from the confusion matrix", () => {
    const masks = labelled(8, 4, 5000, 3);
    const r = multiLabelStaple(masks, { label: 1 });
    const L = 3;
    r.confusion.forEach((th, k) => {
      expect(r.sensitivity[k]).toBe(th[1]![1]);
      const num = r.priors[0]! * th[1]![0]! + r.priors[2]! * th[1]![2]!;
      expect(r.specificity[k]).toBeCloseTo(1 - num / (r.priors[0]! + r.priors[2]!), 14);
      for (let c = 0; c < L; c++) expect(th.reduce((s, row) => s + row[c]!, 0)).toBeCloseTo(1, 12);
    });
  });
});
