import { describe, expect, it } from 'vitest';
import { parseMask, printMask } from './ascii-mask';
import type { Vec3 } from '../geometry/affine';
import { interpolateSlices, labelledSlices } from './interpolate';

function fill(slices: string[][], label: number, axis: 0 | 1 | 2, spacing: Vec3 = [1, 1, 1]): string[][] {
  const { mask, dims } = parseMask(slices);
  for (const idx of interpolateSlices(mask, dims, spacing, label, axis)) mask[idx] = label;
  return printMask(mask, dims);
}

const EMPTY7 = ['.......', '.......', '.......', '.......', '.......', '.......', '.......'];
const DOT = ['.......', '.......', '.......', '...1...', '.......', '.......', '.......'];
const SQ5 = ['.......', '.11111.', '.11111.', '.11111.', '.11111.', '.11111.', '.......'];
const SQ3 = ['.......', '.......', '..111..', '..111..', '..111..', '.......', '.......'];

describe('fill between slices', () => {
  it('copies a shape into the gap between two identical slices', () => {
    expect(fill([SQ3, EMPTY7, EMPTY7, EMPTY7, SQ3], 1, 2)).toEqual([SQ3, SQ3, SQ3, SQ3, SQ3]);
  });

  it('blends signed distances: halfway between a dot and a 5×5 square is a 3×3 square', () => {
    expect(fill([DOT, EMPTY7, SQ5], 1, 2)).toEqual([DOT, SQ3, SQ5]);
  });

  it('leaves labelled slices, slices outside the labelled range and other labels alone', () => {
    const other = ['.......', '.......', '.......', '.......', '.......', '.......', '2......'];
    expect(fill([EMPTY7, SQ3, other, SQ3, EMPTY7], 1, 2)).toEqual([
      EMPTY7,
      SQ3,
      ['.......', '.......', '..111..', '..111..', '..111..', '.......', '2......'],
      SQ3,
      EMPTY7,
    ]);
    expect(fill([DOT, EMPTY7, SQ5], 2, 2)).toEqual([DOT, EMPTY7, SQ5]);
  });

  it('works along i (sagittal slices), the in-plane axes being j and k', () => {
    // Slices i = 0 and i = 2 labelled at (j, k) = (1, 1); i = 1 empty.
    const k0 = ['...', '...', '...'];
    const k1 = ['...', '1.1', '...'];
    expect(fill([k0, k1, k0], 1, 0)).toEqual([k0, ['...', '111', '...'], k0]);
  });

  it('finds the labelled slices and their boxes', () => {
    const { mask, dims } = parseMask([DOT, EMPTY7, SQ5]);
    expect(labelledSlices(mask, dims, 1, 2)).toEqual([
      { slice: 0, a0: 3, a1: 3, b0: 3, b1: 3 },
      { slice: 2, a0: 1, a1: 5, b0: 1, b1: 5 },
    ]);
  });
});
