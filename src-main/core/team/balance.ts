// "Each case to k of these annotators", balanced: cases are taken in the order given; a case that already has
// some of the listed annotators keeps them and gets only the missing ones; each missing place goes to the
// least-loaded listed annotator not yet on the case, ties broken by the order of the list. Load counts every
// assignment of the annotator in the project (earlier ones included), so repeated calls keep evening out.
// Deterministic: the same input gives the same pairs.

export interface Pair {
  caseId: number;
  annotatorId: number;
}

export function balancedPairs(
  caseIds: readonly number[],
  annotatorIds: readonly number[],
  perCase: number,
  existing: readonly Pair[],
): Pair[] {
  if (!Number.isInteger(perCase) || perCase < 1 || perCase > annotatorIds.length) {
    throw new RangeError(
      `each case can go to 1..${annotatorIds.length} of the ${annotatorIds.length} annotators (asked ${perCase})`,
    );
  }
  const listed = new Set(annotatorIds);
  const load = new Map(annotatorIds.map((a) => [a, 0]));
  const onCase = new Map<number, Set<number>>();
  for (const p of existing) {
    if (listed.has(p.annotatorId)) load.set(p.annotatorId, load.get(p.annotatorId)! + 1);
    let s = onCase.get(p.caseId);
    if (!s) onCase.set(p.caseId, (s = new Set()));
    s.add(p.annotatorId);
  }
  const rank = new Map(annotatorIds.map((a, i) => [a, i]));
  const out: Pair[] = [];
  for (const caseId of caseIds) {
    const has = onCase.get(caseId) ?? new Set<number>();
    let missing = perCase - annotatorIds.filter((a) => has.has(a)).length;
    const free = annotatorIds.filter((a) => !has.has(a));
    while (missing > 0) {
      free.sort((a, b) => load.get(a)! - load.get(b)! || rank.get(a)! - rank.get(b)!);
      const pick = free.shift()!;
      load.set(pick, load.get(pick)! + 1);
      out.push({ caseId, annotatorId: pick });
      missing--;
    }
  }
  return out;
}
