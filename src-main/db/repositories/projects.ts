import type { CaseInfo, ProjectInfo, ProjectKind } from '../../core/model';
import type { Db } from '../open';
import { insertDefaultLabels } from './labels';

export function listProjects(db: Db): ProjectInfo[] {
  return db
    .prepare(
      `SELECT p.id, p.name, p.kind, p.created_at AS createdAt, p.modality, p.archived_at AS archivedAt,
              (SELECT count(*) FROM cases c WHERE c.project_id = p.id AND c.removed_at IS NULL) AS caseCount
       FROM projects p ORDER BY p.name`,
    )
    .all() as ProjectInfo[];
}

export function getProject(db: Db, id: number): ProjectInfo | undefined {
  return listProjects(db).find((p) => p.id === id);
}

export function findProjectByName(db: Db, name: string): ProjectInfo | undefined {
  return listProjects(db).find((p) => p.name === name);
}

/** Inserts a project with its default labels; call inside a transaction that also appends the audit row. */
export function insertProject(
  db: Db,
  name: string,
  at: string,
  opts: { modality?: string | null; kind?: ProjectKind } = {},
): number {
  const id = Number(
    db
      .prepare('INSERT INTO projects (name, created_at, modality, kind) VALUES (?, ?, ?, ?)')
      .run(name, at, opts.modality ?? null, opts.kind ?? 'clinical').lastInsertRowid,
  );
  insertDefaultLabels(db, id);
  return id;
}

export function listCases(db: Db, projectId: number): CaseInfo[] {
  return db
    .prepare(
      `SELECT c.id, c.project_id AS projectId, c.name, c.created_at AS createdAt,
              (SELECT count(*) FROM volumes v WHERE v.case_id = c.id) AS volumeCount, c.subject
       FROM cases c WHERE c.project_id = ? AND c.removed_at IS NULL ORDER BY c.name`,
    )
    .all(projectId) as CaseInfo[];
}

export function findCase(db: Db, projectId: number, name: string): { id: number } | undefined {
  return db.prepare('SELECT id FROM cases WHERE project_id = ? AND name = ?').get(projectId, name) as
    { id: number } | undefined;
}

export function insertCase(
  db: Db,
  projectId: number,
  name: string,
  at: string,
  subject: string | null = null,
): number {
  return Number(
    db
      .prepare('INSERT INTO cases (project_id, name, created_at, subject) VALUES (?, ?, ?, ?)')
      .run(projectId, name, at, subject).lastInsertRowid,
  );
}

/** The subject (migration 012) of a case: who its images are of, as a study ID or a keyed pseudonym. */
export function getCaseSubject(db: Db, caseId: number): string | null {
  const row = db.prepare('SELECT subject FROM cases WHERE id = ?').get(caseId) as
    { subject: string | null } | undefined;
  return row?.subject ?? null;
}

export function setCaseSubject(db: Db, caseId: number, subject: string | null): void {
  db.prepare('UPDATE cases SET subject = ? WHERE id = ?').run(subject, caseId);
}

/** Case id -> subject, for the cases of a project that name one. */
export function caseSubjects(db: Db, projectId: number): Map<number, string> {
  const rows = db
    .prepare('SELECT id, subject FROM cases WHERE project_id = ? AND subject IS NOT NULL')
    .all(projectId) as { id: number; subject: string }[];
  return new Map(rows.map((r) => [r.id, r.subject]));
}
