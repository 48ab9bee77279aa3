// The raters of the comparison matrix: the compared annotations, then "Vote" and "STAPLE" as two more
// indices whose pairs are each rater against that consensus (CaseComparison.versusConsensus, rater as A,
// consensus as B). Pure: tested in Node.
import type { CaseComparison } from '@contract';
import type { Rater } from './matrix';
import type { PairFigures } from './metrics';

export interface MatrixInput {
  raters: Rater[];
  pairs: PairFigures[];
}

const CONSENSUS_NAMES = { vote: 'Majority vote', staple: 'STAPLE' } as const;

export function matrixInput(c: Pick<CaseComparison, 'raters' | 'pairs' | 'versusConsensus'>): MatrixInput {
  const n = c.raters.length;
  const raters: Rater[] = c.raters.map((r) => ({ index: r.index, name: r.name }));
  const pairs: PairFigures[] = [...c.pairs];
  const methods = [...new Set(c.versusConsensus.map((v) => v.method))].sort();
  methods.forEach((method, m) => {
    const index = n + m;
    raters.push({ index, name: CONSENSUS_NAMES[method], consensus: true });
    for (const v of c.versusConsensus) {
      if (v.method !== method) continue;
      for (const r of v.raters) pairs.push({ ...r, a: r.rater, b: index, label: v.label });
    }
  });
  return { raters, pairs };
}

/** Short column heading: 1-based rater number, or V / S for the consensus columns. */
export function shortName(r: Rater): string {
  if (!r.consensus) return String(r.index + 1);
  return r.name === CONSENSUS_NAMES.staple ? 'S' : 'V';
}
