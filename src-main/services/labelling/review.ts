// Opening a case for review: from then on reviewers compare and merge its annotations, and each annotator who
// has submitted the case sees the others' (identity/blinding.ts); annotators who have not submitted stay
// blinded. The app shows who has not submitted and asks first (team/submissions.ts reviewReadiness); the
// audit row names them. Reviewers and admins only; opening an open case again changes nothing.
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

/** Names of the case's assignees and labellers (a saved revision) whose submission does not stand. */
function notSubmitted(db: Db, caseId: number): string[] {
  const rows = db
    .prepare(
      `SELECT DISTINCT p.name FROM annotators p
       WHERE (p.id IN (SELECT annotator_id FROM case_assignments WHERE case_id = ?)
           OR p.id IN (SELECT a.annotator_id FROM annotations a JOIN volumes v ON v.id = a.volume_id
                       WHERE v.case_id = ? AND a.kind = 'manual'
                         AND EXISTS (SELECT 1 FROM annotation_revisions r WHERE r.annotation_id = a.id)))
         AND NOT EXISTS (SELECT 1 FROM case_submissions s
                         WHERE s.case_id = ? AND s.annotator_id = p.id AND s.state = 'submitted')
       ORDER BY p.name`,
    )
    .all(caseId, caseId, caseId) as { name: string }[];
  return rows.map((r) => r.name);
}

export function openCaseForReview(db: Db, profile: Profile, caseId: number): CaseReviewState {
  requireRole(profile, ['reviewer', 'admin'], 'opening a case for review');
  if (!getCase(db, caseId)) throw new NotFoundError(`case ${caseId} does not exist`);
  db.transaction(() => {
    if (isReviewOpen(db, caseId)) return;
    const at = new Date().toISOString();
    openReview(db, caseId, profile.name, at);
    appendAudit(
      db,
      {
        actor: profile.name,
        action: 'case.openReview',
        detail: { caseId, notSubmitted: notSubmitted(db, caseId) },
      },
      at,
    );
  })();
  return getReviewState(db, caseId);
}
