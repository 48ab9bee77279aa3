import { describe, expect, it } from 'vitest';
import { parseMask } from '@core/labelling/ascii-mask';
import { labelBounds, labelGrid } from './surfaceGrid';

describe('surface grids', () => {
  const { mask, dims } = parseMask([
    ['......', '.11...', '.11..2'],
    ['......', '.11...', '.11...'],
  ]);

  it('finds each label’s bounding box', () => {
    expect([...labelBounds(mask, dims)]).toEqual([
      [1, [1, 2, 1, 2, 0, 1]],
      [2, [5, 5, 2, 2, 0, 0]],
    ]);
  });

  it('at full resolution is the label with one empty voxel all round, origin one voxel before the box', () => {
    const g = labelGrid(mask, dims, 1, [1, 2, 1, 2, 0, 1], 1e6, 256);
    expect(g.dims).toEqual([4, 4, 4]);
    expect(g.factors).toEqual([1, 1, 1]);
    expect(g.origin).toEqual([0, 0, -1]);
    // Grid (1..2, 1..2, 1..2) is the 2×2×2 cube, everything else 0.
    const ones = [...g.data.keys()].filter((n) => g.data[n] === 1);
    expect(ones).toEqual([21, 22, 25, 26, 37, 38, 41, 42]);
    expect(g.data.reduce((a, b) => a + b, 0)).toBe(8);
  });

  it('averages blocks to stay within the budget', () => {
    // Budget 1 point: factors grow until the 2×2×2 box is one block; the block is full.
    const g = labelGrid(mask, dims, 1, [1, 2, 1, 2, 0, 1], 1, 256);
    expect(g.factors).toEqual([2, 2, 2]);
    expect(g.dims).toEqual([3, 3, 3]);
    expect(g.data[13]).toBe(1); // the centre of 3×3×3
    // Block (1,1,1) covers voxels 1..2 × 1..2 × 0..1: its centre is at index 1.5, 1.5, 0.5.
    expect([0, 1, 2].map((a) => g.origin[a]! + g.factors[a]!)).toEqual([1.5, 1.5, 0.5]);
  });
});
