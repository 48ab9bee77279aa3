import { describe, expect, it } from 'vitest';
import type { Rater } from './matrix';
import { buildMatrix, nextSort, sortPairs, sortRows } from './matrix';
import type { PairFigures } from './metrics';
import { cellValue, formatMetric, metricSpec } from './metrics';

function pair(a: number, b: number, dice: number, va: number, vb: number, label = 1): PairFigures {
  return {
    a,
    b,
    label,
    dice,
    jaccard: dice / (2 - dice),
    hausdorff: a + b,
    hd95: null,
    assd: 0.5,
    surfaceDice: 0.9,
    toleranceMm: 1,
    volumeA_ml: va,
    volumeB_ml: vb,
    distanceReason: null,
    cohenKappa: 0.8,
  };
}

const RATERS: Rater[] = [
  { index: 0, name: 'R1' },
  { index: 1, name: 'R2' },
  { index: 2, name: 'R3' },
];
const PAIRS = [pair(0, 1, 0.8, 2, 3), pair(0, 2, 0.9, 2, 1), pair(1, 2, 0.7, 3, 1), pair(0, 1, 0.1, 1, 1, 2)];

describe('comparison matrix', () => {
  it('reads each unordered pair both ways: symmetric figures alike, volume differences as column − row', () => {
    const m = buildMatrix(PAIRS, RATERS, 1, 'dice');
    expect(m.cells.map((r) => r.map((c) => c.value))).toEqual([
      [null, 0.8, 0.9],
      [0.8, null, 0.7],
      [0.9, 0.7, null],
    ]);
    const v = buildMatrix(PAIRS, RATERS, 1, 'volumeDifferenceMl');
    expect(v.cells[0]![1]!.value).toBe(1); // V_R2 − V_R1 = 3 − 2
    expect(v.cells[1]![0]!.value).toBe(-1);
    const pct = buildMatrix(PAIRS, RATERS, 1, 'volumeDifferencePercent');
    expect(pct.cells[0]![1]!.value).toBe(50); // 100 (3 − 2) / 2
    expect(pct.cells[1]![0]!.value).toBeCloseTo(-100 / 3, 12); // 100 (2 − 3) / 3
  });

  it('keeps labels apart', () => {
    const m = buildMatrix(PAIRS, RATERS, 2, 'dice');
    expect(m.cells[0]![1]!.value).toBe(0.1);
    expect(m.cells[0]![2]!.value).toBeNull();
  });

  it('sorts rows by a column, nulls (the diagonal) last, and cycles asc → desc → input order', () => {
    const m = buildMatrix(PAIRS, RATERS, 1, 'dice');
    expect(sortRows(m, { by: 'column', column: 0, dir: 1 })).toEqual([1, 2, 0]);
    expect(sortRows(m, { by: 'column', column: 0, dir: -1 })).toEqual([2, 1, 0]);
    expect(sortRows(m, { by: 'name' })).toEqual([0, 1, 2]);
    let s = nextSort({ by: 'name' }, 2);
    expect(s).toEqual({ by: 'column', column: 2, dir: 1 });
    s = nextSort(s, 2);
    expect(s).toEqual({ by: 'column', column: 2, dir: -1 });
    expect(nextSort(s, 2)).toEqual({ by: 'name' });
  });

  it('sorts the pairs of a label by a metric, undefined values last', () => {
    expect(sortPairs(PAIRS, 1, 'dice', -1).map((p) => p.dice)).toEqual([0.9, 0.8, 0.7]);
    expect(sortPairs(PAIRS, 1, 'hd95', 1)).toHaveLength(3);
  });

  it('writes figures with their decimals, a sign on differences, and — for undefined', () => {
    expect(formatMetric(metricSpec('dice'), 0.844980315)).toBe('0.8450');
    expect(formatMetric(metricSpec('volumeDifferenceMl'), 0.25)).toBe('+0.250');
    expect(formatMetric(metricSpec('hd95'), null)).toBe('—');
    expect(cellValue(pair(0, 1, 1, 0, 0), 'volumeDifferencePercent', 0, 1)).toBeNull();
  });
});
