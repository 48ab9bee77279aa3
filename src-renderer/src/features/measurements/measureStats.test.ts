// How the measurements panel writes its figures, and that it computes each ellipse's statistics (and no
// ruler's) from the voxels it is given.
import { describe, expect, it } from 'vitest';
import type { MeasurementInfo } from '@contract';
import { ellipseStatsOf, formatMl, formatRegion, formatStat } from './measureStats';

describe('measurement figures', () => {
  it('writes values, regions and volumes', () => {
    expect(formatStat(-1000)).toBe('-1000');
    expect(formatStat(12.345)).toBe('12.3');
    expect(formatStat(NaN)).toBe('–');
    expect(formatRegion({ count: 4, mean: 40.25, sd: 2, min: 38, max: 43 }, 'HU')).toBe(
      'mean 40.3 ± 2 HU (min 38, max 43; n 4)',
    );
    expect(formatRegion({ count: 0, mean: NaN, sd: NaN, min: NaN, max: NaN }, '')).toBe(
      'no voxel centre inside',
    );
    expect(formatMl(0.0184)).toBe('0.018 mL');
    expect(formatMl(12.345)).toBe('12.35 mL');
  });

  it('gives each ellipse its statistics from the voxels', () => {
    const base = {
      volumeId: 1,
      caseId: 1,
      annotatorId: 1,
      annotatorName: 'A',
      createdAt: 't',
      axis: 2 as const,
      slice: 0,
    };
    const items: MeasurementInfo[] = [
      {
        ...base,
        id: 1,
        name: 'Ruler 1',
        kind: 'ruler',
        points: [
          [0, 0, 0],
          [2, 0, 0],
        ],
        lengthMm: 2,
        areaMm2: null,
      },
      {
        ...base,
        id: 2,
        name: 'Ellipse 1',
        kind: 'ellipse',
        points: [
          [0, 0, 0],
          [2, 2, 0],
        ],
        lengthMm: null,
        areaMm2: Math.PI,
      },
    ];
    // 3 × 3 slice, stored 0..8, slope 10, intercept −100: the circle of radius 1 about (1, 1) holds the
    // centre and its four neighbours (stored 1, 3, 4, 5, 7: mean 4), physical mean −60.
    const stats = ellipseStatsOf(
      items,
      {
        dims: [3, 3, 1],
        rescale: { slope: 10, intercept: -100 },
        affineLPS: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
      },
      Int16Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]),
    );
    expect([...stats.keys()]).toEqual([2]);
    expect(stats.get(2)).toMatchObject({ count: 5, mean: -60, min: -90, max: -30 });
  });
});
