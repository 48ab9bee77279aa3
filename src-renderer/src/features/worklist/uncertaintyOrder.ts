// Orders worklist rows by a model's uncertainty (pure, tested): ranked cases first, most uncertain first
// (mean binary entropy in bits, over every voxel of the case's volume), then the other rows in their
// previous order. Rows of one case stay together.
import type { UncertaintyRow, WorklistRow } from '@contract';

export function orderByUncertainty(
  rows: readonly WorklistRow[],
  ranking: readonly UncertaintyRow[],
): WorklistRow[] {
  const score = new Map<number, number>();
  for (const r of ranking) score.set(r.volumeId, r.meanEntropyBits);
  const position = new Map<WorklistRow, number>(rows.map((r, i) => [r, i]));
  return [...rows].sort((a, b) => {
    const sa = score.get(a.volumeId);
    const sb = score.get(b.volumeId);
    if (sa !== undefined && sb !== undefined && sa !== sb) return sb - sa;
    if (sa !== undefined && sb === undefined) return -1;
    if (sa === undefined && sb !== undefined) return 1;
    return position.get(a)! - position.get(b)!;
  });
}

/** Ranked cases that have no worklist row yet (nobody opened them): shown after the ranked rows. */
export function unlistedRanked(
  rows: readonly WorklistRow[],
  ranking: readonly UncertaintyRow[],
): UncertaintyRow[] {
  const listed = new Set(rows.map((r) => r.volumeId));
  return [...ranking]
    .filter((r) => !listed.has(r.volumeId))
    .sort((a, b) => b.meanEntropyBits - a.meanEntropyBits);
}
