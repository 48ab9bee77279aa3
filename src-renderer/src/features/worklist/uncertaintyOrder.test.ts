import { describe, expect, it } from 'vitest';
import type { UncertaintyRow, WorklistRow } from '@contract';
import { orderByUncertainty, unlistedRanked } from './uncertaintyOrder';

const row = (caseName: string, volumeId: number, annotatorName = 'Ann'): WorklistRow => ({
  caseId: volumeId,
  caseName,
  volumeId,
  annotatorId: 1,
  annotatorName,
  annotationId: null,
  status: 'not-started',
  timeSpentSec: 0,
  flagComment: null,
  updatedAt: null,
  assigned: true,
  submission: null,
  returnComment: null,
});
const rank = (volumeId: number, meanEntropyBits: number): UncertaintyRow => ({
  caseId: volumeId,
  caseName: `C${volumeId}`,
  volumeId,
  meanEntropyBits,
});

describe('worklist by uncertainty', () => {
  it('puts ranked cases first, most uncertain first, the rest in their order', () => {
    const rows = [row('A', 1), row('B', 2), row('C', 3), row('B', 2, 'Bob'), row('D', 4)];
    const out = orderByUncertainty(rows, [rank(3, 0.01), rank(2, 0.2)]);
    expect(out.map((r) => `${r.caseName}:${r.annotatorName}`)).toEqual([
      'B:Ann',
      'B:Bob',
      'C:Ann',
      'A:Ann',
      'D:Ann',
    ]);
  });

  it('keeps the order without a ranking', () => {
    const rows = [row('B', 2), row('A', 1)];
    expect(orderByUncertainty(rows, [])).toEqual(rows);
  });

  it('lists ranked cases nobody has a row for, most uncertain first', () => {
    expect(
      unlistedRanked([row('A', 1)], [rank(1, 0.5), rank(7, 0.1), rank(8, 0.3)]).map((r) => r.volumeId),
    ).toEqual([8, 7]);
  });
});
