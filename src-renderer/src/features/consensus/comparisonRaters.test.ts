import { describe, expect, it } from 'vitest';
import type { CaseComparison } from '@contract';
import { matrixInput, shortName } from './comparisonRaters';
import { buildMatrix } from './matrix';

type Vs = CaseComparison['versusConsensus'][number];
const figures = {
  jaccard: 0.5,
  hausdorff: 1,
  hd95: 1,
  assd: 0.5,
  surfaceDice: 1,
  toleranceMm: 1,
  volumeA_ml: 1,
  volumeB_ml: 1,
  distanceReason: null,
};

describe('comparison matrix raters', () => {
  it('adds Vote and STAPLE after the raters, with each rater against them as pairs', () => {
    const vs = (method: 'vote' | 'staple', dice: number): Vs =>
      ({
        method,
        label: 1,
        iterations: null,
        consensusVoxels: 1,
        undecidedVoxels: 0,
        raters: [0, 1].map((rater) => ({ rater, label: 1, dice: dice + rater, ...figures })),
      }) as unknown as Vs;
    const input = matrixInput({
      raters: [
        { index: 0, annotationId: 5, revisionId: 9, name: 'A', kind: 'manual' },
        { index: 1, annotationId: 6, revisionId: 10, name: 'B', kind: 'manual' },
      ],
      pairs: [{ a: 0, b: 1, label: 1, dice: 0.7, ...figures }] as unknown as CaseComparison['pairs'],
      versusConsensus: [vs('vote', 0.1), vs('staple', 0.2)],
    });
    expect(input.raters.map((r) => r.name)).toEqual(['A', 'B', 'STAPLE', 'Majority vote']);
    expect(input.raters.map(shortName)).toEqual(['1', '2', 'S', 'V']);
    const m = buildMatrix(input.pairs, input.raters, 1, 'dice');
    expect(m.cells[1]![2]!.value).toBeCloseTo(1.2, 12); // B vs STAPLE
    expect(m.cells[3]![0]!.value).toBeCloseTo(0.1, 12); // vote vs A
    expect(m.cells[2]![3]!.value).toBeNull(); // STAPLE vs vote: not computed
  });
});
