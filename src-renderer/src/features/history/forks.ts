// Where an annotation's history forked: revisions imported from two workstations that both continued the
// same revision (services/exchange keeps both branches). A branch is open while its tip (a revision no
// other revision continues) is not the head and no revert (the way a branch is picked, or the head kept)
// came after it.
import type { RevisionInfo } from '@contract';

export interface ForkInfo {
  /** The tips to choose from, the head first; empty when the history is one line (or the fork was settled). */
  tips: RevisionInfo[];
}

export function forksOf(revisions: readonly RevisionInfo[], head: number | null): ForkInfo {
  const continued = new Set(revisions.map((r) => r.parentId).filter((p): p is number => p !== null));
  const lastRevert = Math.max(0, ...revisions.filter((r) => r.tool === 'revert').map((r) => r.id));
  const open = revisions.filter((r) => !continued.has(r.id) && r.id !== head && r.id > lastRevert);
  if (open.length === 0) return { tips: [] };
  const headRow = revisions.find((r) => r.id === head);
  return { tips: [...(headRow ? [headRow] : []), ...open.sort((a, b) => b.id - a.id)] };
}
