// Blinding: an annotator sees only their own annotation of a case until a reviewer or admin opens the case
// for review; reviewers and admins see every annotation. Enforced here, in main, for every read of an
// annotation's list entry, mask or history: the renderer is never trusted to hide anything.
import { ForbiddenError } from '../../core/errors';
import type { Db } from '../../db/open';
import type { AnnotationRow } from '../../db/repositories/annotations';
import { isReviewOpen } from '../../db/repositories/reviews';
import type { Profile } from './access';

export function canSee(db: Db, viewer: Profile, annotation: AnnotationRow): boolean {
  if (viewer.role !== 'annotator') return true;
  if (annotation.kind === 'manual' && annotation.annotatorId === viewer.id) return true;
  return isReviewOpen(db, annotation.caseId);
}

/** Throws ForbiddenError unless `viewer` may see `annotation`; the message names no other annotator. */
export function assertCanSee(db: Db, viewer: Profile, annotation: AnnotationRow): void {
  if (!canSee(db, viewer, annotation)) {
    throw new ForbiddenError(
      `annotation ${annotation.id} is not yours: annotations are blinded until their case is opened for review`,
    );
  }
}
