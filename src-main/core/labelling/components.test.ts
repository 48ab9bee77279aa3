import { describe, expect, it } from 'vitest';
import { parseMask, printMask } from './ascii-mask';
import { outsideLargestComponent, smallIslands, voxelsForMillilitres } from './components';
import type { Scope } from './connected';

function erase(
  slices: string[][],
  pick: (m: Uint8Array, d: [number, number, number]) => Int32Array,
): string[][] {
  const { mask, dims } = parseMask(slices);
  for (const idx of pick(mask, dims)) mask[idx] = 0;
  return printMask(mask, dims);
}

const THREE_D: Scope = { mode: '3d' };

describe('keep largest component', () => {
  it('keeps the largest 6-connected component (diagonal contact does not connect)', () => {
    const grid = [
      ['11...', '11..1', '...1.'],
      ['.....', '.....', '....2'],
    ];
    expect(erase(grid, (m, d) => outsideLargestComponent(m, d, 1, THREE_D))).toEqual([
      ['11...', '11...', '.....'],
      ['.....', '.....', '....2'],
    ]);
  });

  it('connects through slices in 3D', () => {
    const grid = [
      ['1...1', '....1', '.....'],
      ['1....', '1....', '1....'],
    ];
    // (0,0,0) joins the column on k = 1: 4 voxels beat the 2 at i = 4.
    expect(erase(grid, (m, d) => outsideLargestComponent(m, d, 1, THREE_D))).toEqual([
      ['1....', '.....', '.....'],
      ['1....', '1....', '1....'],
    ]);
  });

  it('in 2D keeps the largest per slice, on one slice or all', () => {
    const grid = [
      ['11..1', '.....'],
      ['1..11', '...11'],
    ];
    expect(
      erase(grid, (m, d) => outsideLargestComponent(m, d, 1, { mode: '2d', axis: 2, slice: 'all' })),
    ).toEqual([
      ['11...', '.....'],
      ['...11', '...11'],
    ]);
    expect(
      erase(grid, (m, d) => outsideLargestComponent(m, d, 1, { mode: '2d', axis: 2, slice: 1 })),
    ).toEqual([
      ['11..1', '.....'],
      ['...11', '...11'],
    ]);
  });
});

describe('remove small islands', () => {
  it('erases the components under the size, 3D', () => {
    const grid = [['111.1', '.....', '1.22.']];
    expect(erase(grid, (m, d) => smallIslands(m, d, 1, THREE_D, 2))).toEqual([['111..', '.....', '..22.']]);
    expect(erase(grid, (m, d) => smallIslands(m, d, 1, THREE_D, 4))).toEqual([['.....', '.....', '..22.']]);
  });

  it('in 2D judges each slice on its own (a column through slices is many islands)', () => {
    const grid = [
      ['1..', '...'],
      ['1..', '.11'],
    ];
    expect(erase(grid, (m, d) => smallIslands(m, d, 1, { mode: '2d', axis: 2, slice: 'all' }, 2))).toEqual([
      ['...', '...'],
      ['...', '.11'],
    ]);
    expect(erase(grid, (m, d) => smallIslands(m, d, 1, THREE_D, 2))).toEqual([
      ['1..', '...'],
      ['1..', '.11'],
    ]);
  });

  it('converts millilitres to voxels with the spacing', () => {
    expect(voxelsForMillilitres(0.001, [0.5, 0.5, 1])).toBe(4); // 1 mm³ of 0.25 mm³ voxels
    expect(voxelsForMillilitres(0.001, [0.7, 0.7, 1.25])).toBe(2); // 1 / 0.6125 = 1.63 -> 2
    expect(voxelsForMillilitres(0, [1, 1, 1])).toBe(0);
  });
});
