// compareRaters: which labels and pairs, in which order, with which kappa regions.
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../geometry/affine';
import { compareRaters, comparePair, labelsIn } from './compare';
import { gridFromSpacing } from './grid';
import { mask } from './test-support/naive';

const dims: Vec3 = [12, 12, 6];
const grid = gridFromSpacing(dims, [1, 1, 2]);
// Three raters; label 1 a box, label 2 a smaller box (rater 2 has no label 2).
const rater = (shift: number, withTwo: boolean) =>
  mask(dims, (i, j, k) => {
    if (i >= 2 + shift && i <= 6 + shift && j >= 2 && j <= 6 && k >= 1 && k <= 3) return true;
    return false;
  }).map((v, idx) => {
    const i = idx % 12;
    const j = Math.floor(idx / 12) % 12;
    if (withTwo && i >= 9 && i <= 10 && j >= 8 && j <= 9) return 2;
    return v;
  });

describe('compareRaters', () => {
  const masks = [rater(0, true), rater(1, true), rater(0, false)];

  it('compares every pair for every label present, in input order', () => {
    const r = compareRaters(masks, grid);
    expect(r.labels).toEqual([1, 2]);
    expect(r.pairs.map((p) => [p.label, p.a, p.b])).toEqual([
      [1, 0, 1],
      [1, 0, 2],
      [1, 1, 2],
      [2, 0, 1],
      [2, 0, 2],
      [2, 1, 2],
    ]);
    const p02 = r.pairs[1]!;
    expect(p02).toMatchObject({
      dice: 1,
      jaccard: 1,
      hausdorff: 0,
      hd95: 0,
      assd: 0,
      surfaceDice: 1,
      cohenKappa: 1,
    });
    const two = r.pairs.find((p) => p.label === 2 && p.b === 2)!;
    expect(two).toMatchObject({ dice: 0, hausdorff: null, distanceReason: 'one-empty' });
    // Fleiss' kappa without a label: categories 0, 1, 2 over the box of every non-zero voxel.
    expect(r.fleiss.label).toBeNull();
    expect(r.fleiss.kappa).toBeGreaterThan(0);
    expect(r.fleiss.kappa).toBeLessThan(1);
  });

  it('counts every pair of one label over the same region: the label in all raters, grown by the margin', () => {
    const r = compareRaters(masks, grid, { label: 1, kappaMarginMm: 2 });
    expect(r.labels).toEqual([1]);
    for (const p of r.pairs) {
      // label 1 spans i 2..7, j 2..6, k 1..3; margin 2 mm = 2 voxels in i, j and 1 in k
      expect(p.kappaRegion).toEqual({
        box: { min: [0, 0, 0], max: [9, 8, 4] },
        voxels: 10 * 9 * 5,
        marginMm: 2,
      });
    }
    expect(r.fleiss.label).toBe(1);
    expect(r.fleiss.region!.box).toEqual({ min: [0, 0, 0], max: [9, 8, 4] });
  });

  it('shifting one rater by one voxel costs what it should', () => {
    const p = comparePair(masks[0]!, masks[1]!, grid, 1, { toleranceMm: 1 });
    // 5x5x3 boxes offset by one voxel along i: 4x5x3 shared
    expect(p.dice).toBeCloseTo((2 * 60) / 150, 14);
    expect(p.hausdorff).toBe(1);
    expect(p.hd95).toBe(1);
    expect(p.surfaceDice).toBe(1);
    expect(p.volumeA_ml).toBeCloseTo(75 * 0.002, 14);
  });

  it('lists labels and refuses too few masks or a bad label', () => {
    expect(labelsIn([Uint8Array.from([0, 3, 3, 0]), Uint8Array.from([1, 0, 0, 0])])).toEqual([1, 3]);
    expect(() => compareRaters([masks[0]!], grid)).toThrow(/at least 2/);
    expect(() => compareRaters(masks, grid, { label: 256 })).toThrow(/1\.\.255/);
  });
});
