// A team's rows (migration 006): project settings and archive, moving and removing cases, case assignments and
// case submissions. Writers are called inside the caller's transaction, with the audit row.
import type { SubmissionInfo } from '../../core/model';
import type { Db } from '../open';

export function updateProject(
  db: Db,
  id: number,
  p: { name?: string; modality?: string | null; archivedAt?: string | null },
): void {
  if (p.name !== undefined) db.prepare('UPDATE projects SET name = ? WHERE id = ?').run(p.name, id);
  if (p.modality !== undefined)
    db.prepare('UPDATE projects SET modality = ? WHERE id = ?').run(p.modality, id);
  if (p.archivedAt !== undefined)
    db.prepare('UPDATE projects SET archived_at = ? WHERE id = ?').run(p.archivedAt, id);
}

export interface CaseRow {
  id: number;
  projectId: number;
  name: string;
  removedAt: string | null;
}

export function getCaseRow(db: Db, id: number): CaseRow | undefined {
  return db
    .prepare('SELECT id, project_id AS projectId, name, removed_at AS removedAt FROM cases WHERE id = ?')
    .get(id) as CaseRow | undefined;
}

export function moveCase(db: Db, caseId: number, projectId: number): void {
  db.prepare('UPDATE cases SET project_id = ? WHERE id = ?').run(projectId, caseId);
}

export function removeCase(db: Db, caseId: number, by: string, reason: string, at: string): void {
  db.prepare('UPDATE cases SET removed_by = ?, removed_reason = ?, removed_at = ? WHERE id = ?').run(
    by,
    reason,
    at,
    caseId,
  );
}

/** Label values present in any revision of any annotation of the case (from the stored voxel counts). */
export function labelValuesOfCase(db: Db, caseId: number): number[] {
  const rows = db
    .prepare(
      `SELECT DISTINCT r.label_voxels_json AS j FROM annotation_revisions r
       JOIN annotations a ON a.id = r.annotation_id JOIN volumes v ON v.id = a.volume_id WHERE v.case_id = ?`,
    )
    .all(caseId) as { j: string }[];
  const values = new Set<number>();
  for (const r of rows) {
    for (const [k, n] of Object.entries(JSON.parse(r.j) as Record<string, number>))
      if (n > 0) values.add(Number(k));
  }
  return [...values].sort((a, b) => a - b);
}

export interface AssignmentRow {
  caseId: number;
  annotatorId: number;
  assignedBy: string;
  assignedAt: string;
}

/** Assignments of the project's cases (removed cases excluded), by case then annotator. */
export function listAssignments(db: Db, projectId: number): AssignmentRow[] {
  return db
    .prepare(
      `SELECT s.case_id AS caseId, s.annotator_id AS annotatorId, s.assigned_by AS assignedBy,
              s.assigned_at AS assignedAt
       FROM case_assignments s JOIN cases c ON c.id = s.case_id
       WHERE c.project_id = ? AND c.removed_at IS NULL ORDER BY s.case_id, s.annotator_id`,
    )
    .all(projectId) as AssignmentRow[];
}

export function insertAssignment(
  db: Db,
  caseId: number,
  annotatorId: number,
  by: string,
  at: string,
): boolean {
  return (
    db
      .prepare(
        `INSERT OR IGNORE INTO case_assignments (case_id, annotator_id, assigned_by, assigned_at)
         VALUES (?, ?, ?, ?)`,
      )
      .run(caseId, annotatorId, by, at).changes === 1
  );
}

export function deleteAssignment(db: Db, caseId: number, annotatorId: number): boolean {
  return (
    db.prepare('DELETE FROM case_assignments WHERE case_id = ? AND annotator_id = ?').run(caseId, annotatorId)
      .changes === 1
  );
}

export function isAssigned(db: Db, caseId: number, annotatorId: number): boolean {
  return (
    db
      .prepare('SELECT 1 FROM case_assignments WHERE case_id = ? AND annotator_id = ?')
      .get(caseId, annotatorId) !== undefined
  );
}

const SUBMISSION = `SELECT case_id AS caseId, annotator_id AS annotatorId, state, state_at AS stateAt,
  state_by AS stateBy, comment, submitted_at AS submittedAt FROM case_submissions`;

export function getSubmission(db: Db, caseId: number, annotatorId: number): SubmissionInfo | undefined {
  return db.prepare(`${SUBMISSION} WHERE case_id = ? AND annotator_id = ?`).get(caseId, annotatorId) as
    SubmissionInfo | undefined;
}

export function listSubmissions(db: Db, caseId: number): SubmissionInfo[] {
  return db.prepare(`${SUBMISSION} WHERE case_id = ? ORDER BY annotator_id`).all(caseId) as SubmissionInfo[];
}

/** True while the annotator's submission of the case stands (submitted, not returned). */
export function isSubmitted(db: Db, caseId: number, annotatorId: number): boolean {
  return getSubmission(db, caseId, annotatorId)?.state === 'submitted';
}

export function recordSubmission(
  db: Db,
  s: { caseId: number; annotatorId: number; by: string; at: string; comment: string | null },
): void {
  db.prepare(
    `INSERT INTO case_submissions (case_id, annotator_id, state, state_at, state_by, comment, submitted_at)
     VALUES (@caseId, @annotatorId, 'submitted', @at, @by, @comment, @at)
     ON CONFLICT (case_id, annotator_id) DO UPDATE SET state = 'submitted', state_at = @at, state_by = @by,
       comment = @comment, submitted_at = @at`,
  ).run(s);
}

export function recordReturn(
  db: Db,
  s: { caseId: number; annotatorId: number; by: string; at: string; comment: string },
): void {
  db.prepare(
    `UPDATE case_submissions SET state = 'returned', state_at = @at, state_by = @by, comment = @comment
     WHERE case_id = @caseId AND annotator_id = @annotatorId`,
  ).run(s);
}
