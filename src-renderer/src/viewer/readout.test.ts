import { describe, expect, it } from 'vitest';
import { composeAffine } from '@core/geometry/affine';
import { flatIndex, formatIjk, formatLps, formatValue, readVoxel } from './readout';

describe('readout', () => {
  it('reads the physical value and the LPS centre of a voxel', () => {
    const v = new Int16Array(2 * 3 * 4);
    v[flatIndex([2, 3, 4], [1, 2, 3])] = 1100;
    const a = composeAffine(
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      [0.5, 0.5, 2],
      [-100, 50, 10],
    );
    const r = readVoxel(v, [2, 3, 4], { slope: 1, intercept: -1024 }, a, [1, 2, 3]);
    expect(r.value).toBe(76);
    expect(r.lps).toEqual([-99.5, 51, 16]);
    expect(flatIndex([2, 3, 4], [1, 2, 3])).toBe(1 + 2 * 2 + 3 * 6);
  });

  it('writes values readably', () => {
    expect(formatIjk([1, 22, 333])).toBe('1, 22, 333');
    expect(formatLps([-0.001, 12.345, -7])).toBe('0.00, 12.35, -7.00');
    expect(formatValue(-1024)).toBe('-1024');
    expect(formatValue(Math.fround(0.1))).toBe('0.1');
    expect(formatValue(1234.5678)).toBe('1234.57');
  });
});
