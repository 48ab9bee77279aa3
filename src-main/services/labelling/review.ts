// Opening a case for review: from then on every profile sees every annotation of the case (blinding ends).
// Reviewers and admins only; opening an open case again changes nothing.
import type { CaseReviewState } from '../../core/model';
import { NotFoundError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import { getCase, getReviewState, isReviewOpen, openReview } from '../../db/repositories/reviews';
import type { Profile } from '../identity/access';
import { requireRole } from '../identity/access';

export function reviewState(db: Db, caseId: number): CaseReviewState {
  if (!getCase(db, caseId)) throw new NotFoundError(`case ${caseId} does not exist`);
  return getReviewState(db, caseId);
}

export function openCaseForReview(db: Db, profile: Profile, caseId: number): CaseReviewState {
  requireRole(profile, ['reviewer', 'admin'], 'opening a case for review');
  if (!getCase(db, caseId)) throw new NotFoundError(`case ${caseId} does not exist`);
  db.transaction(() => {
    if (isReviewOpen(db, caseId)) return;
    const at = new Date().toISOString();
    openReview(db, caseId, profile.name, at);
    appendAudit(db, { actor: profile.name, action: 'case.openReview', detail: { caseId } }, at);
  })();
  return getReviewState(db, caseId);
}
