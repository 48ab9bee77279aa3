import { describe, expect, it } from 'vitest';
import { balancedPairs, type Pair } from './balance';

const perAnnotator = (pairs: Pair[]) =>
  pairs.reduce<Record<number, number>>(
    (m, p) => ({ ...m, [p.annotatorId]: (m[p.annotatorId] ?? 0) + 1 }),
    {},
  );

describe('balanced k-of-n assignment', () => {
  it('gives each case k distinct annotators, least-loaded first, ties by list order', () => {
    const pairs = balancedPairs([1, 2, 3, 4, 5, 6], [10, 20, 30], 2, []);
    expect(pairs).toEqual([
      { caseId: 1, annotatorId: 10 },
      { caseId: 1, annotatorId: 20 },
      { caseId: 2, annotatorId: 30 },
      { caseId: 2, annotatorId: 10 },
      { caseId: 3, annotatorId: 20 },
      { caseId: 3, annotatorId: 30 },
      { caseId: 4, annotatorId: 10 },
      { caseId: 4, annotatorId: 20 },
      { caseId: 5, annotatorId: 30 },
      { caseId: 5, annotatorId: 10 },
      { caseId: 6, annotatorId: 20 },
      { caseId: 6, annotatorId: 30 },
    ]);
    expect(perAnnotator(pairs)).toEqual({ 10: 4, 20: 4, 30: 4 });
    for (const c of [1, 2, 3, 4, 5, 6]) {
      const on = pairs.filter((p) => p.caseId === c).map((p) => p.annotatorId);
      expect(new Set(on).size).toBe(2);
    }
  });

  it('is deterministic and keeps loads within one of each other for any case count', () => {
    for (let n = 1; n <= 17; n++) {
      const cases = Array.from({ length: n }, (_, i) => i + 1);
      const a = balancedPairs(cases, [1, 2, 3, 4], 3, []);
      expect(balancedPairs(cases, [1, 2, 3, 4], 3, [])).toEqual(a);
      const loads = Object.values(perAnnotator(a));
      expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
      expect(a).toHaveLength(3 * n);
    }
  });

  it('counts earlier assignments as load and fills only the missing places of a case', () => {
    const existing: Pair[] = [
      { caseId: 1, annotatorId: 10 },
      { caseId: 9, annotatorId: 10 },
      { caseId: 8, annotatorId: 20 },
      { caseId: 7, annotatorId: 99 }, // not listed: neither load nor a place
    ];
    expect(balancedPairs([1, 2], [10, 20, 30], 2, existing)).toEqual([
      { caseId: 1, annotatorId: 30 },
      { caseId: 2, annotatorId: 20 },
      { caseId: 2, annotatorId: 30 },
    ]);
    // A case that already has k listed annotators gets nobody new.
    expect(balancedPairs([1], [10, 30], 2, [...existing, { caseId: 1, annotatorId: 30 }])).toEqual([]);
  });

  it('refuses k outside 1..n', () => {
    expect(() => balancedPairs([1], [1, 2], 3, [])).toThrow(/1\.\.2 of the 2 annotators \(asked 3\)/);
    expect(() => balancedPairs([1], [1, 2], 0, [])).toThrow(RangeError);
  });
});
