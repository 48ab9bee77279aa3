// Distance metrics on hand-made grids (answers worked out below), against brute force on random blobs,
// and the empty-mask rules.
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors';
import type { Vec3 } from '../geometry/affine';
import { gridFromSpacing, type MaskGrid } from './grid';
import { overlapCounts } from './overlap-counts';
import { directedDistances, distanceMetrics } from './surface-distance';
import { blob, mask, naiveDistances, random } from './test-support/naive';

function metrics(a: Uint8Array, b: Uint8Array, grid: MaskGrid, tol = 1, label = 1) {
  return distanceMetrics(a, b, grid, label, overlapCounts(a, b, grid.dims, label), tol);
}

describe('distance metrics', () => {
  it('on a line of 2 mm voxels: every voxel is boundary (outside the image is background)', () => {
    // A = i 0..3, B = i 2..6 on a 10x1x1 grid of 2 mm voxels.
    const dims: Vec3 = [10, 1, 1];
    const grid = gridFromSpacing(dims, [2, 1, 1]);
    const a = mask(dims, (i) => i <= 3);
    const b = mask(dims, (i) => i >= 2 && i <= 6);
    const m = metrics(a, b, grid, 2);
    // d(a, B) = 4, 2, 0, 0; d(b, A) = 0, 0, 2, 4, 6
    expect(m.hausdorff).toBe(6);
    expect(m.averageHausdorff).toBeCloseTo((6 / 4 + 12 / 5) / 2, 14);
    expect(m.directed).toEqual({ hausdorffAB: 4, hausdorffBA: 6, hd95AB: 3.7, hd95BA: 5.6 });
    // numpy: percentile([0,0,2,4], 95) = 3.7, percentile([0,0,2,4,6], 95) = 5.6
    expect(m.hd95).toBeCloseTo(5.6, 14);
    expect(m.assd).toBeCloseTo(18 / 9, 14);
    expect(m.surfaceDice).toBeCloseTo(6 / 9, 14); // distances <= 2 mm: 2, 0, 0 and 0, 0, 2
    expect([m.boundaryVoxelsA, m.boundaryVoxelsB]).toEqual([4, 5]);
    expect(m.reason).toBeNull();
  });

  it('measures boundary distances to the other boundary, not to the other mask', () => {
    // A = a 5x5x5 cube, B = the same cube: the centre of A is inside B but 2 voxels from its boundary.
    const dims: Vec3 = [9, 9, 9];
    const grid = gridFromSpacing(dims, [1, 1, 1]);
    const cube = mask(dims, (i, j, k) => i >= 2 && i <= 6 && j >= 2 && j <= 6 && k >= 2 && k <= 6);
    const m = metrics(cube, cube, grid);
    expect(m.hausdorff).toBe(0);
    expect(m.hd95).toBe(0);
    expect(m.assd).toBe(0);
    expect(m.surfaceDice).toBe(1);
    expect(m.boundaryVoxelsA).toBe(125 - 27);
    // A shrunk by one voxel on every side: its boundary is 1 voxel inside B's.
    const inner = mask(dims, (i, j, k) => i >= 3 && i <= 5 && j >= 3 && j <= 5 && k >= 3 && k <= 5);
    const n = metrics(inner, cube, grid);
    expect(n.directed.hausdorffAB).toBe(0); // every voxel of the small cube is inside B
    expect(n.directed.hausdorffBA).toBe(Math.sqrt(3)); // B's corners to the small cube's corners
    expect(n.directed.hd95AB).toBe(1);
    expect(n.assd).toBeGreaterThan(1);
  });

  it('counts voxels on the image border as boundary', () => {
    const dims: Vec3 = [3, 3, 3];
    const full = new Uint8Array(27).fill(1);
    const m = metrics(full, full, gridFromSpacing(dims, [1, 1, 1]));
    expect(m.boundaryVoxelsA).toBe(26); // all but the centre
  });

  it('uses physical spacing: a diagonal neighbour on a (1, 2, 3) mm grid is sqrt(14) mm away', () => {
    const dims: Vec3 = [2, 2, 2];
    const a = mask(dims, (i, j, k) => i + j + k === 0);
    const b = mask(dims, (i, j, k) => i + j + k === 3);
    const m = metrics(a, b, gridFromSpacing(dims, [1, 2, 3]), 3.8);
    expect(m.hausdorff).toBeCloseTo(Math.sqrt(14), 14);
    expect(m.hd95).toBeCloseTo(Math.sqrt(14), 14);
    expect(m.surfaceDice).toBe(1); // sqrt(14) = 3.74 <= 3.8
    expect(metrics(a, b, gridFromSpacing(dims, [1, 2, 3]), 3.7).surfaceDice).toBe(0);
  });

  it('counts a distance equal to the tolerance as within it, despite rounding', () => {
    const dims: Vec3 = [4, 1, 1];
    const a = mask(dims, (i) => i === 0);
    const b = mask(dims, (i) => i === 2);
    expect(metrics(a, b, gridFromSpacing(dims, [0.7, 1, 1]), 1.4).surfaceDice).toBe(1);
  });

  it('gives null distances with a reason for empty masks, surface Dice 1 (both) or 0 (one)', () => {
    const dims: Vec3 = [4, 4, 4];
    const grid = gridFromSpacing(dims, [1, 1, 1]);
    const empty = new Uint8Array(64);
    const one = mask(dims, (i, j, k) => i === 1 && j === 1 && k === 1);
    const both = metrics(empty, empty, grid);
    expect(both).toMatchObject({
      hausdorff: null,
      hd95: null,
      assd: null,
      averageHausdorff: null,
      surfaceDice: 1,
      reason: 'both-empty',
    });
    expect(metrics(one, empty, grid)).toMatchObject({ hausdorff: null, surfaceDice: 0, reason: 'one-empty' });
    expect(metrics(empty, one, grid)).toMatchObject({ hd95: null, surfaceDice: 0, reason: 'one-empty' });
  });

  it('matches brute force on random blobs with anisotropic spacing', () => {
    const rnd = random(11);
    for (let trial = 0; trial < 25; trial++) {
      const dims: Vec3 = [6 + Math.floor(rnd() * 10), 6 + Math.floor(rnd() * 10), 3 + Math.floor(rnd() * 6)];
      const spacing: Vec3 = [0.4 + rnd(), 0.4 + rnd(), 1 + rnd() * 3];
      const c = (f: number): Vec3 => [dims[0] * f, dims[1] * f, dims[2] * 0.5];
      const a = blob(dims, c(0.45), [dims[0] / 3, dims[1] / 4, dims[2] / 3], rnd, 1, 0.6);
      const b = blob(dims, c(0.55), [dims[0] / 4, dims[1] / 3, dims[2] / 2.5], rnd, 1, 0.6);
      const tol = rnd() * 3;
      const got = metrics(a, b, gridFromSpacing(dims, spacing), tol);
      const want = naiveDistances(a, b, dims, spacing, 1, tol);
      if (want.allAB.length === 0 || want.allBA.length === 0) continue;
      expect(got.hausdorff!).toBeCloseTo(want.hausdorff, 10);
      expect(got.averageHausdorff!).toBeCloseTo(want.averageHausdorff, 10);
      expect(got.hd95!).toBeCloseTo(want.hd95, 10);
      expect(got.assd!).toBeCloseTo(want.assd, 10);
      expect(got.surfaceDice!).toBeCloseTo(want.surfaceDice, 12);
      expect([got.boundaryVoxelsA, got.boundaryVoxelsB]).toEqual([
        want.boundaryVoxelsA,
        want.boundaryVoxelsB,
      ]);
    }
  });

  it('returns every directed distance for histograms', () => {
    const dims: Vec3 = [10, 1, 1];
    const a = mask(dims, (i) => i <= 3);
    const b = mask(dims, (i) => i >= 2 && i <= 6);
    const grid = gridFromSpacing(dims, [2, 1, 1]);
    const d = directedDistances(a, b, grid, 1, overlapCounts(a, b, dims, 1))!;
    expect([...d.allAB].sort((x, y) => x - y)).toEqual([0, 0, 2, 4]);
    expect([...d.allBA].sort((x, y) => x - y)).toEqual([0, 0, 2, 4, 6]);
    expect(
      directedDistances(a, new Uint8Array(10), grid, 1, overlapCounts(a, new Uint8Array(10), dims, 1)),
    ).toBeNull();
  });

  it('refuses sheared grids and negative tolerances', () => {
    const dims: Vec3 = [2, 2, 2];
    const a = new Uint8Array(8).fill(1);
    const sheared = { ...gridFromSpacing(dims, [1, 1, 1]), orthogonal: false };
    expect(() => metrics(a, a, sheared)).toThrow(InputError);
    expect(() => metrics(a, a, gridFromSpacing(dims, [1, 1, 1]), -1)).toThrow(/tolerance/);
  });
});
