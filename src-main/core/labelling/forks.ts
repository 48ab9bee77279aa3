// Where an annotation's history forked: revisions imported from two workstations that both continued the
// same revision (services/exchange keeps both branches). A branch is open while its tip (a revision no
// other revision continues) is not the head and no revert or branch pick (the ways a branch is picked, or
// the head kept) came after it. A merge of two tips (tool 'merge-branches', on top of the head) settles the
// tips it names only, so with three tips the third stays open. Pure: main checks a pick against it (services/team/branches.ts), the
// History panel shows it.
import type { RevisionInfo } from '../model';

/** Tools whose revision settles a fork: a revert to a tip (own annotation) or a reviewer's branch pick. */
export const SETTLING_TOOLS: readonly string[] = ['revert', 'pick-branch'];

export interface ForkInfo {
  /** The tips to choose from, the head first; empty when the history is one line (or the fork was settled). */
  tips: RevisionInfo[];
  /** The newest revision every tip continues (where the history forked); null when none (or no fork). */
  forkedAfter: number | null;
}

export function forksOf(revisions: readonly RevisionInfo[], head: number | null): ForkInfo {
  const continued = new Set(revisions.map((r) => r.parentId).filter((p): p is number => p !== null));
  const lastSettled = Math.max(
    0,
    ...revisions.filter((r) => r.tool !== null && SETTLING_TOOLS.includes(r.tool)).map((r) => r.id),
  );
  const merged = new Set(revisions.filter((r) => r.tool === MERGE_TOOL).flatMap(mergedTipsOf));
  const open = revisions.filter(
    (r) => !continued.has(r.id) && !merged.has(tipKey(r)) && r.id !== head && r.id > lastSettled,
  );
  if (open.length === 0) return { tips: [], forkedAfter: null };
  const headRow = revisions.find((r) => r.id === head);
  const tips = [...(headRow ? [headRow] : []), ...open.sort((a, b) => b.id - a.id)];
  return { tips, forkedAfter: commonAncestor(revisions, tips) };
}

/** The tool of a revision merged from two branch tips (services/team/branches.ts). */
export const MERGE_TOOL = 'merge-branches';

/**
 * How a merge names the tips it settles: author and time, which a bundle carries unchanged to another
 * workstation (revision ids are local to each workspace: an imported revision gets a new one).
 */
export function tipKey(r: Pick<RevisionInfo, 'author' | 'createdAt'>): string {
  return `${r.author}\u0000${r.createdAt}`;
}

/** The tips a merge revision settles (provenance mergedBranches.settles: their tipKey). */
function mergedTipsOf(r: RevisionInfo): string[] {
  const m = r.provenance['mergedBranches'];
  const keys = m && typeof m === 'object' ? (m as { settles?: unknown }).settles : undefined;
  return Array.isArray(keys) ? keys.filter((t): t is string => typeof t === 'string') : [];
}

/** The newest revision that is an ancestor (or self) of every tip: the base of a three-way merge. */
export function commonAncestor(
  revisions: readonly RevisionInfo[],
  tips: readonly Pick<RevisionInfo, 'id'>[],
): number | null {
  const parentOf = new Map(revisions.map((r) => [r.id, r.parentId]));
  const lineOf = (id: number): number[] => {
    const line: number[] = [];
    const seen = new Set<number>();
    for (
      let at: number | null | undefined = id;
      at !== null && at !== undefined && !seen.has(at);
      at = parentOf.get(at)
    ) {
      seen.add(at);
      line.push(at);
    }
    return line;
  };
  const [first, ...rest] = tips.map((t) => lineOf(t.id));
  const others = rest.map((l) => new Set(l));
  return first?.find((id) => others.every((o) => o.has(id))) ?? null;
}
