// Pseudo-labels and their weights by hand at thresholds 0.5 and 0.625 (the agreement of 4 raters), and the
// confidence floor.
import { expect, test } from 'vitest';
import { confidenceOf, pseudoLabels } from './pseudo-labels';

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

test('the agreement threshold moves what counts as foreground', () => {
  const p = Float32Array.from([0.55, 0.7, 0.9]);
  const l = pseudoLabels(p, { threshold: 0.625, minConfidence: 0 });
  expect([...l.target]).toEqual([0, 255, 255]);
  expect(l.foreground).toBe(2);
  // The threshold itself is foreground (p >= t), with confidence 0: kept only with a floor of 0.
  const edge = pseudoLabels(Float32Array.from([0.624, 0.625]), { threshold: 0.625, minConfidence: 0 });
  expect([...edge.target]).toEqual([0, 255]);
  expect(pseudoLabels(Float32Array.from([0.625]), { threshold: 0.625, minConfidence: 0.1 }).confident).toBe(
    0,
  );
});

test('bad options are refused', () => {
  expect(() => pseudoLabels([0.5], { threshold: 0, minConfidence: 0.5 })).toThrow(/threshold/);
  expect(() => pseudoLabels([0.5], { threshold: 0.5, minConfidence: 1 })).toThrow(/floor/);
});
