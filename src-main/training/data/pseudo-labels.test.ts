// Pseudo-labels (soft and hard) and their weights by hand at thresholds 0.5 and 0.625 (the agreement of 4 raters), the
// confidence floor, and the rounds' schedule (warm-up, then one part per round).
import { expect, test } from 'vitest';
import {
  alignedThreshold,
  alignProbability,
  confidenceOf,
  foregroundByte,
  pseudoLabels,
  pseudoRatio,
  pseudoRoundStarts,
  roundOfEpoch,
} from './pseudo-labels';

test('confidence is |p - 0.5| * 2 at threshold 0.5, scaled to each side of another threshold', () => {
  expect([0, 0.25, 0.5, 0.75, 1].map((p) => confidenceOf(p, 0.5))).toEqual([1, 0.5, 0, 0.5, 1]);
  // t = 0.625: above, (p - t) / 0.375; below, (t - p) / 0.625.
  expect(confidenceOf(0.8125, 0.625)).toBeCloseTo(0.5, 12);
  expect(confidenceOf(0.3125, 0.625)).toBeCloseTo(0.5, 12);
  expect(confidenceOf(0.625, 0.625)).toBe(0);
});

test('hard labels at the threshold, weights from the confidence, 0 under the floor', () => {
  const p = Float32Array.from([0.02, 0.3, 0.45, 0.5, 0.55, 0.8, 0.99]);
  const l = pseudoLabels(p, { threshold: 0.5, minConfidence: 0.5 });
  // Confidence: 0.96, 0.4, 0.1, 0, 0.1, 0.6, 0.98: three at or above 0.5.
  expect([...l.weight]).toEqual([
    Math.round(0.96 * 255),
    0,
    0,
    0,
    0,
    Math.round(0.6 * 255),
    Math.round(0.98 * 255),
  ]);
  // Labels only where the weight is not 0 (elsewhere they teach nothing).
  expect([...l.target]).toEqual([0, 0, 0, 0, 0, 255, 255]);
  expect(l.confident).toBe(3);
  expect(l.foreground).toBe(2);
  expect(l.weightSum).toBeCloseTo((245 + 153 + 250) / 255, 10);
  // Every confident voxel weighs at least the floor.
  for (const w of l.weight) if (w > 0) expect(w / 255).toBeGreaterThanOrEqual(0.5 - 1 / 510);
  // A floor of 0 keeps every voxel but the undecided one (confidence exactly 0 still counts, weight 1/255).
  const all = pseudoLabels(p, { threshold: 0.5, minConfidence: 0 });
  expect(all.confident).toBe(7);
  expect(all.weight[3]).toBe(1);
});

test('soft labels are the probabilities as bytes, where the weight is not 0; the same weights', () => {
  const p = Float32Array.from([0.02, 0.3, 0.45, 0.5, 0.55, 0.8, 0.99]);
  const soft = pseudoLabels(p, { threshold: 0.5, minConfidence: 0.5, soft: true });
  const hard = pseudoLabels(p, { threshold: 0.5, minConfidence: 0.5 });
  expect([...soft.target]).toEqual([5, 0, 0, 0, 0, 204, 252]);
  expect([...soft.weight]).toEqual([...hard.weight]);
  // Foreground is still p >= t: it places the foreground-centred crops.
  expect(soft.foreground).toBe(2);
  expect(soft.confident).toBe(3);
  // With no floor every probability is kept.
  const all = pseudoLabels(p, { threshold: 0.5, minConfidence: 0, soft: true });
  expect([...all.target]).toEqual([5, 77, 115, 128, 140, 204, 252]);
});

test('the agreement threshold moves what counts as foreground', () => {
  const p = Float32Array.from([0.55, 0.7, 0.9]);
  const l = pseudoLabels(p, { threshold: 0.625, minConfidence: 0 });
  expect([...l.target]).toEqual([0, 255, 255]);
  expect(pseudoLabels(p, { threshold: 0.625, minConfidence: 0, soft: true }).foreground).toBe(2);
  // Soft bytes keep their side of the threshold: 0.625 would round to 159, under foregroundByte's 160.
  expect(foregroundByte(0.625)).toBe(160);
  expect(foregroundByte(0.5)).toBe(128);
  const edge = pseudoLabels(Float32Array.from([0.624, 0.625, 0.6254]), {
    threshold: 0.625,
    minConfidence: 0,
    soft: true,
  });
  expect([...edge.target]).toEqual([159, 160, 160]);
  expect(edge.foreground).toBe(2);
});

test('bad options are refused', () => {
  expect(() => pseudoLabels([0.5], { threshold: 0, minConfidence: 0.5 })).toThrow(/threshold/);
  expect(() => pseudoLabels([0.5], { threshold: 0.5, minConfidence: 1 })).toThrow(/floor/);
});

test('rounds cut the epochs into a warm-up and one part per round', () => {
  expect(pseudoRoundStarts(20, 3)).toEqual([5, 10, 15]);
  expect(pseudoRoundStarts(4, 2)).toEqual([1, 3]);
  expect(pseudoRoundStarts(2, 1)).toEqual([1]);
  expect(() => pseudoRoundStarts(3, 3)).toThrow(/at least 4 epochs/);
  const starts = pseudoRoundStarts(20, 3);
  expect([0, 4, 5, 9, 10, 15, 19].map((e) => roundOfEpoch(starts, e))).toEqual([0, 0, 1, 1, 2, 3, 3]);
});

test('pseudo-labelled crops per labelled crop: the unlabelled slices per labelled one, at most 1', () => {
  expect(pseudoRatio(10, 0)).toBe(0);
  expect(pseudoRatio(30, 10)).toBeCloseTo(1 / 3, 12);
  expect(pseudoRatio(10, 90)).toBe(1);
  expect(pseudoRatio(0, 5)).toBe(0);
});

test('the aligned threshold leaves the labelled share of pixels above it', () => {
  // 1000 pixels over two slices, probabilities 0.0005 .. 0.9995: 2% lie at or above 0.98.
  const all = Float32Array.from({ length: 1000 }, (_, i) => (i + 0.5) / 1000);
  const t = alignedThreshold([all.subarray(0, 600), all.subarray(600)], 0.02);
  expect(t).toBeCloseTo(0.98, 9);
  expect(all.filter((p) => p >= t).length).toBe(20);
  expect(alignedThreshold([all], 0)).toBe(1);
  expect(alignedThreshold([all], 1)).toBe(0);
  // Ties: every pixel at 0.7005; a share below 1 cannot split them, so the cut is above them all.
  expect(alignedThreshold([new Float32Array(10).fill(0.7005)], 0.5)).toBeCloseTo(0.701, 9);
  expect(() => alignedThreshold([all], 1.5)).toThrow(/share/);
});

test("probabilities are mapped so the aligned threshold reads as the run's own", () => {
  expect(alignProbability(0.9, 0.9, 0.625)).toBeCloseTo(0.625, 12);
  expect(alignProbability(0, 0.9, 0.625)).toBe(0);
  expect(alignProbability(1, 0.9, 0.625)).toBeCloseTo(1, 12);
  expect(alignProbability(0.45, 0.9, 0.625)).toBeCloseTo(0.3125, 12);
  expect(alignProbability(0.95, 0.9, 0.625)).toBeCloseTo(0.8125, 12);
  // An extreme cut is kept within [0.01, 0.99].
  expect(alignProbability(0.995, 1, 0.5)).toBeCloseTo(0.75, 12);
});
