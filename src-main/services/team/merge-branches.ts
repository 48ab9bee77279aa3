// A reviewer's merge of two branch tips of a forked annotation (branches.ts picks one; this keeps both):
// the three masks (both tips and the revision after which they forked) are decoded, merged three-way
// (core/labelling/merge-masks.ts: what each tip changed is kept; a voxel both changed differently takes the
// primary tip's label and is counted as a conflict), and recorded as a new head on top of the current head
// (tool 'merge-branches', a snapshot), its provenance and audit row naming the tips, the base, the primary
// tip and the conflict count, and who merged; the tips it settles are named by author and time too
// (core/labelling/forks.ts: tipKey), which a bundle keeps. Nothing is removed: both tips stay in the history.
//
// Who: as for a pick (branches.ts: assertMayPick, blinding included). With more than two tips, two are
// chosen, one of them the head's branch (the merge continues the head, so merging two others would hide the
// head's branch); the third tip stays open (core/labelling/forks.ts).
import type { MergeBranchesResult } from '../../core/model';
import { ConflictError, InputError } from '../../core/errors';
import { commonAncestor, forksOf, MERGE_TOOL, tipKey } from '../../core/labelling/forks';
import { mergeMasks } from '../../core/labelling/merge-masks';
import type { AnnotationRow } from '../../db/repositories/annotations';
import { getRevision, listRevisions, toRevisionInfo } from '../../db/repositories/revisions';
import type { Profile } from '../identity/access';
import { requireAnnotation } from '../labelling/annotations';
import type { MaskStore } from '../masks/mask-store';
import { assertMayPick } from './branches';

export interface MergeBranchesRequest {
  annotationId: number;
  /** The two branch tips to merge (revision ids). */
  tips: [number, number];
  /** The tip whose label a conflicting voxel takes. */
  primary: number;
}

export async function mergeBranches(
  store: MaskStore,
  who: Profile,
  req: MergeBranchesRequest,
): Promise<MergeBranchesResult> {
  const db = store.ws.db;
  const [a, b] = req.tips;
  if (a === b) throw new InputError(undefined, `merge two different branch tips, not revision ${a} twice`);
  if (req.primary !== a && req.primary !== b)
    throw new InputError(undefined, `the primary tip ${req.primary} is not one of the tips ${a} and ${b}`);
  const annotation = requireAnnotation(db, req.annotationId);
  assertMayPick(db, who, annotation);
  // Checked on this read and again on the save's own read (in turn with the annotation's other saves).
  const check = (now: AnnotationRow) => {
    const fork = forksOf(listRevisions(db, now.id).map(toRevisionInfo), now.headRevisionId);
    for (const t of req.tips)
      if (!fork.tips.some((x) => x.id === t))
        throw new ConflictError(
          `revision ${t} is not a branch tip of annotation ${now.id}: its history has no open fork there`,
        );
    if (now.headRevisionId !== a && now.headRevisionId !== b)
      throw new ConflictError(
        `neither tip is the head (revision ${now.headRevisionId ?? 'none'}): merge the head's branch first, or pick a tip`,
      );
  };
  check(annotation);
  const history = listRevisions(db, annotation.id).map(toRevisionInfo);
  const base = commonAncestor(history, [{ id: a }, { id: b }]);
  const dims = store.dimsOf(annotation);
  const read = (id: number) => store.readRevision(getRevision(db, id)!, dims);
  const secondary = req.primary === a ? b : a;
  const merged = mergeMasks(
    base === null ? null : await read(base),
    await read(req.primary),
    await read(secondary),
  );
  const byId = (id: number) => history.find((r) => r.id === id)!;
  const mergedBranches = {
    tips: [req.primary, secondary],
    base,
    primary: req.primary,
    conflicts: merged.conflicts,
    // What settles the fork here and wherever a bundle takes this revision (ids differ there).
    settles: [tipKey(byId(req.primary)), tipKey(byId(secondary))],
  };
  const revision = await store.commitMask({
    annotationId: annotation.id,
    // The head the tips were read against: a save in between is refused (conflict), not merged over.
    parentRevisionId: annotation.headRevisionId,
    labels: merged.labels,
    tool: MERGE_TOOL,
    // The mask is mostly the primary tip's, so is its author; who merged is the audit row's actor.
    author: byId(req.primary).author,
    actor: who.name,
    action: 'annotation.mergeBranches',
    provenance: { mergedBranches, mergedBy: who.name },
    detail: { mergedBranches, mergedBy: who.name, annotation: annotation.authorName },
    guard: ({ annotation: now, referenceOf, frozenBy }) => {
      assertMayPick(db, who, now);
      if (referenceOf !== null || frozenBy !== null)
        throw new ConflictError(
          `annotation ${now.id} is signed off: reopen the case (with a reason) to change it`,
        );
      check(now);
    },
  });
  return { revision: toRevisionInfo(revision), base, conflicts: merged.conflicts };
}
