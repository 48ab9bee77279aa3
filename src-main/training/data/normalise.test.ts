import { expect, test } from 'vitest';
import { normaliseVolume } from './normalise';

test('CT: HU clipped to the window and scaled to [0, 1], rescale applied first', () => {
  // stored values with slope 1, intercept -1024: HU -1424, -600, 150, 2000 (window -1350..150)
  const v = normaliseVolume(
    [-400, 424, 1174, 3024],
    { kind: 'ct-window', center: -600, width: 1500 },
    { intercept: -1024 },
  );
  expect(v[0]).toBe(0);
  expect(v[1]).toBeCloseTo(0.5, 6);
  expect(v[2]).toBe(1);
  expect(v[3]).toBe(1);
  expect(() => normaliseVolume([1], { kind: 'ct-window', center: 0, width: 0 })).toThrow(RangeError);
});

test('MR: z-score per volume (mean 0, std 1), or over a mask', () => {
  const v = normaliseVolume([2, 4, 4, 4, 5, 5, 7, 9], { kind: 'zscore' }); // mean 5, std 2
  expect(v[0]).toBeCloseTo(-1.5, 6);
  expect(v[7]).toBeCloseTo(2, 6);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  expect(mean).toBeCloseTo(0, 6);
  const masked = normaliseVolume([0, 0, 10, 20], { kind: 'zscore' }, { mask: [0, 0, 1, 1] }); // mean 15, std 5
  expect(masked[2]).toBeCloseTo(-1, 6);
  expect(masked[0]).toBeCloseTo(-3, 6);
  expect(() => normaliseVolume([1, 2], { kind: 'zscore' }, { mask: [0, 0] })).toThrow(/no voxels/);
  expect(normaliseVolume([10], { kind: 'fixed', mean: 6, std: 2 })[0]).toBe(2);
});
