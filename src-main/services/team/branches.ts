// Branches of an annotation's history, as a reviewer sees and settles them. When bundles from two
// workstations continued the same revision of an annotation (services/exchange keeps both), its history
// forks: each branch tip can be looked at (its mask read as any revision's, read-only: annotation:mask) and
// one of them picked as the head. Picking records a new revision with the tip's mask (tool 'pick-branch',
// nothing encoded, nothing removed) and an audit row naming who picked which tip among which.
//
// Who: blinding applies as to every read (identity/blinding.ts): a profile sees the branches of the
// annotations it may see, so an annotator still at work sees only their own. An annotator picks on their own
// annotation while it is theirs to edit (not submitted: the review gate); reviewers and admins on any
// rater's annotation, a submitted one included (the pick is the reviewer's act, not the annotator's edit),
// and on derived annotations that are not frozen by a sign-off.
import type { AnnotationBranches, RevisionInfo } from '../../core/model';
import { ConflictError, NotFoundError } from '../../core/errors';
import { forksOf } from '../../core/labelling/forks';
import type { Db } from '../../db/open';
import { listAnnotationsOfVolume } from '../../db/repositories/annotations';
import type { AnnotationRow } from '../../db/repositories/annotations';
import { listRevisions, toRevisionInfo } from '../../db/repositories/revisions';
import { isSubmitted } from '../../db/repositories/team';
import { getVolume } from '../../db/repositories/volumes';
import { DATA_MANAGERS, requireRole, type Profile } from '../identity/access';
import { assertCanSee, canSee } from '../identity/blinding';
import { requireAnnotation } from '../labelling/annotations';
import type { MaskStore } from '../masks/mask-store';

function branchesOf(db: Db, a: AnnotationRow): AnnotationBranches | null {
  const fork = forksOf(listRevisions(db, a.id).map(toRevisionInfo), a.headRevisionId);
  if (fork.tips.length === 0) return null;
  return {
    annotationId: a.id,
    kind: a.kind,
    authorName: a.authorName,
    headRevisionId: a.headRevisionId,
    forkedAfter: fork.forkedAfter,
    tips: fork.tips,
  };
}

/** The open forks of the volume's annotations that `viewer` may see. */
export function volumeBranches(db: Db, viewer: Profile, volumeId: number): AnnotationBranches[] {
  if (!getVolume(db, volumeId)) throw new NotFoundError(`volume ${volumeId} does not exist`);
  return listAnnotationsOfVolume(db, volumeId)
    .filter((a) => canSee(db, viewer, a))
    .map((a) => branchesOf(db, a))
    .filter((b): b is AnnotationBranches => b !== null);
}

/** Throws unless `who` may pick the head of `a` (see the header). */
export function assertMayPick(db: Db, who: Profile, a: AnnotationRow): void {
  assertCanSee(db, who, a);
  if (a.kind === 'manual' && a.annotatorId === who.id) {
    if (isSubmitted(db, a.caseId, who.id))
      throw new ConflictError(
        `case ${a.caseId} is submitted: your annotation is read-only until a reviewer returns it`,
      );
    return;
  }
  requireRole(
    who,
    DATA_MANAGERS,
    a.kind === 'manual' ? `picking the head of ${a.authorName}'s annotation` : 'picking a head',
  );
}

/** Makes the branch tip `revisionId` the head of the annotation (a new revision with its mask). */
export async function pickBranch(
  store: MaskStore,
  who: Profile,
  req: { annotationId: number; revisionId: number },
): Promise<RevisionInfo> {
  const db = store.ws.db;
  const annotation = requireAnnotation(db, req.annotationId);
  assertMayPick(db, who, annotation);
  const openTips = (a: AnnotationRow) =>
    forksOf(listRevisions(db, a.id).map(toRevisionInfo), a.headRevisionId);
  const fork = openTips(annotation);
  const tip = fork.tips.find((t) => t.id === req.revisionId);
  const notATip = () =>
    new ConflictError(
      `revision ${req.revisionId} is not a branch tip of annotation ${req.annotationId}: its history has no open fork there`,
    );
  if (!tip) throw notATip();
  const revision = await store.revert({
    annotationId: req.annotationId,
    revisionId: req.revisionId,
    // The mask is the tip's, so is its author; who picked it is the audit row's actor and in the provenance.
    author: tip.author,
    // Checked again on the save's own read, in turn with the annotation's other saves.
    guard: ({ annotation: now, referenceOf, frozenBy }) => {
      assertMayPick(db, who, now);
      if (referenceOf !== null || frozenBy !== null)
        throw new ConflictError(
          `annotation ${now.id} is signed off: reopen the case (with a reason) to change it`,
        );
      if (!openTips(now).tips.some((t) => t.id === req.revisionId)) throw notATip();
    },
    as: {
      tool: 'pick-branch',
      action: 'annotation.pickBranch',
      actor: who.name,
      detail: {
        pickedBy: who.name,
        annotation: annotation.authorName,
        tips: fork.tips.map((t) => t.id),
        forkedAfter: fork.forkedAfter,
      },
    },
  });
  return toRevisionInfo(revision);
}
