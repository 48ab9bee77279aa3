// Case review state: a case opened for review unblinds its annotations to every profile.
import type { CaseReviewState } from '../../core/model';
import type { Db } from '../open';

export function getReviewState(db: Db, caseId: number): CaseReviewState {
  const r = db.prepare('SELECT opened_at, opened_by FROM case_reviews WHERE case_id = ?').get(caseId) as
    { opened_at: string; opened_by: string } | undefined;
  return { caseId, reviewOpenedAt: r?.opened_at ?? null, reviewOpenedBy: r?.opened_by ?? null };
}

export function isReviewOpen(db: Db, caseId: number): boolean {
  return db.prepare('SELECT 1 FROM case_reviews WHERE case_id = ?').get(caseId) !== undefined;
}

/** Call inside a transaction with the audit row. */
export function openReview(db: Db, caseId: number, by: string, at: string): void {
  db.prepare('INSERT INTO case_reviews (case_id, opened_at, opened_by) VALUES (?, ?, ?)').run(caseId, at, by);
}

export function getCase(db: Db, caseId: number): { id: number; projectId: number; name: string } | undefined {
  return db.prepare('SELECT id, project_id AS projectId, name FROM cases WHERE id = ?').get(caseId) as
    { id: number; projectId: number; name: string } | undefined;
}
