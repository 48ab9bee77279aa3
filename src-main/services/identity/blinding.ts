// Blinding: an annotator sees only their own annotation of a case until both (1) a reviewer or admin has
// opened the case for review and (2) they themselves have submitted the case (and it was not returned to
// them): an annotator still at work never sees another reader's mask, even on a case open for review.
// Reviewers and admins see every annotation. Enforced here, in main, for every read of an annotation's list
// entry, mask or history: the renderer is never trusted to hide anything.
import { ForbiddenError } from '../../core/errors';
import type { Db } from '../../db/open';
import type { AnnotationRow } from '../../db/repositories/annotations';
import { isReviewOpen } from '../../db/repositories/reviews';
import { isSubmitted } from '../../db/repositories/team';
import type { Profile } from './access';

export function canSee(db: Db, viewer: Profile, annotation: AnnotationRow): boolean {
  if (viewer.role !== 'annotator') return true;
  if (annotation.kind === 'manual' && annotation.annotatorId === viewer.id) return true;
  return isReviewOpen(db, annotation.caseId) && isSubmitted(db, annotation.caseId, viewer.id);
}

/** Throws ForbiddenError unless `viewer` may see `annotation`; the message names no other annotator. */
export function assertCanSee(db: Db, viewer: Profile, annotation: AnnotationRow): void {
  if (!canSee(db, viewer, annotation)) {
    const why = isReviewOpen(db, annotation.caseId)
      ? 'annotations stay blinded to you until you submit this case'
      : 'annotations are blinded until their case is opened for review';
    throw new ForbiddenError(`annotation ${annotation.id} is not yours: ${why}`);
  }
}

/**
 * Whether `viewer` may see work a person (`authorId`) did on a case other than a mask (their measurements):
 * the same rule as their manual annotations, so a ruler across a nodule does not tell another reader its
 * size before they have submitted their own.
 */
export function canSeeWorkOf(db: Db, viewer: Profile, caseId: number, authorId: number): boolean {
  if (viewer.role !== 'annotator' || authorId === viewer.id) return true;
  return isReviewOpen(db, caseId) && isSubmitted(db, caseId, viewer.id);
}
