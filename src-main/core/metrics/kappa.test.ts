// Cohen's and Fleiss' kappa on the textbook examples, and the region rules.
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../geometry/affine';
import { gridFromSpacing } from './grid';
import { cohenKappa, fleissKappa, unionRegion } from './kappa';
import { mask } from './test-support/naive';

describe("Cohen's kappa", () => {
  it('gives 0.4 on the textbook 2x2 table (20 yes-yes, 5 yes-no, 10 no-yes, 15 no-no)', () => {
    // Wikipedia, "Cohen's kappa", worked example: p_o = 0.7, p_e = 0.5.
    const a = new Uint8Array(50);
    const b = new Uint8Array(50);
    for (let v = 0; v < 50; v++) {
      a[v] = v < 25 ? 1 : 0;
      b[v] = v < 20 || (v >= 25 && v < 35) ? 1 : 0;
    }
    const grid = gridFromSpacing([50, 1, 1], [1, 1, 1]);
    const r = cohenKappa(a, b, grid, { label: 1, region: { min: [0, 0, 0], max: [49, 0, 0] } });
    expect(r.observed).toBeCloseTo(0.7, 14);
    expect(r.chance).toBeCloseTo(0.5, 14);
    expect(r.kappa).toBeCloseTo(0.4, 14);
    expect(r.region).toEqual({ box: { min: [0, 0, 0], max: [49, 0, 0] }, voxels: 50, marginMm: null });
  });

  it('is 1 for identical masks and null with a reason when undefined', () => {
    const dims: Vec3 = [10, 10, 10];
    const grid = gridFromSpacing(dims, [1, 1, 1]);
    const m = mask(dims, (i, j, k) => i > 3 && i < 6 && j > 3 && j < 6 && k > 3 && k < 6);
    expect(cohenKappa(m, m, grid, { label: 1 }).kappa).toBe(1);
    expect(cohenKappa(new Uint8Array(1000), new Uint8Array(1000), grid, { label: 1 })).toMatchObject({
      kappa: null,
      reason: 'empty-region',
      region: null,
    });
    const full = new Uint8Array(1000).fill(1);
    expect(cohenKappa(full, full, grid, { label: 1 })).toMatchObject({ kappa: null, reason: 'no-variation' });
  });
});

describe("Fleiss' kappa", () => {
  it('gives 0.2099 on the textbook table (10 subjects, 14 raters, 5 categories)', () => {
    // Wikipedia, "Fleiss' kappa", worked example: P̄ = 0.378, P_e = 0.213, κ = 0.210.
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    // Rater r of subject (voxel) s gives the category whose cumulative count first exceeds r; categories are
    // the values 0..4 (0 is a category like any other without a label).
    const masks = Array.from({ length: 14 }, () => new Uint8Array(10));
    table.forEach((row, s) => {
      let r = 0;
      row.forEach((n, c) => {
        for (let x = 0; x < n; x++) masks[r++]![s] = c;
      });
    });
    const grid = gridFromSpacing([10, 1, 1], [1, 1, 1]);
    const k = fleissKappa(masks, grid, { region: { min: [0, 0, 0], max: [9, 0, 0] } });
    expect(k.observed).toBeCloseTo(0.378021978021978, 14);
    expect(k.chance).toBeCloseTo(0.21275510204081632, 14);
    expect(k.kappa).toBeCloseTo(0.20993070442195522, 14);
  });

  it("equals Scott's pi for two raters", () => {
    const a = Uint8Array.from([1, 1, 1, 0, 0, 0, 1, 0]);
    const b = Uint8Array.from([1, 1, 0, 0, 0, 1, 1, 1]);
    // p_o = 5/8; pooled p(1) = 9/16, p(0) = 7/16; π = (5/8 - (81+49)/256) / (1 - 130/256)
    const grid = gridFromSpacing([8, 1, 1], [1, 1, 1]);
    const k = fleissKappa([a, b], grid, { label: 1, region: { min: [0, 0, 0], max: [7, 0, 0] } });
    expect(k.kappa).toBeCloseTo((5 / 8 - 130 / 256) / (1 - 130 / 256), 14);
  });
});

describe('kappa region', () => {
  it('is the union bounding box grown by the margin in mm per axis, clipped to the image', () => {
    const dims: Vec3 = [20, 20, 20];
    const grid = gridFromSpacing(dims, [1, 0.5, 2.5]);
    const a = mask(dims, (i, j, k) => i === 5 && j === 5 && k === 5);
    const b = mask(dims, (i, j, k) => i === 8 && j === 19 && k === 6);
    const r = unionRegion([a, b], grid, 1, 5)!;
    // margin: 5 voxels along i (1 mm), 10 along j (0.5 mm), 2 along k (2.5 mm)
    expect(r.box).toEqual({ min: [0, 0, 3], max: [13, 19, 8] });
    expect(r.voxels).toBe(14 * 20 * 6);
    expect(r.marginMm).toBe(5);
    const k = cohenKappa(a, b, grid, { label: 1 });
    expect(k.region!.box).toEqual(r.box);
  });

  it('without a label, takes every non-zero value', () => {
    const dims: Vec3 = [10, 1, 1];
    const a = Uint8Array.from([0, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
    const b = Uint8Array.from([0, 0, 0, 0, 0, 0, 3, 0, 0, 0]);
    expect(unionRegion([a, b], gridFromSpacing(dims, [1, 1, 1]), undefined, 0)!.box).toEqual({
      min: [1, 0, 0],
      max: [6, 0, 0],
    });
  });
});
