// Annotation rows <-> AnnotationInfo, and their work state (worklist status, time spent, flag comment).
// An annotation's head is its newest revision (revisions form one line per annotation: see migration 002).
import type { AnnotationInfo, WorkStatus } from '../../core/model';
import type { Db } from '../open';

/** What access checks need of an annotation, beside the AnnotationInfo the renderer sees. */
export interface AnnotationRow extends AnnotationInfo {
  projectId: number;
  timeSpentSec: number;
  flagComment: string | null;
  statusAt: string | null;
}

const SELECT = `
SELECT a.id, a.volume_id AS volumeId, v.case_id AS caseId, c.project_id AS projectId, a.kind,
       a.annotator_id AS annotatorId, coalesce(p.name, a.name, 'derived') AS authorName,
       h.id AS headRevisionId, h.created_at AS headAt,
       (SELECT count(*) FROM annotation_revisions r WHERE r.annotation_id = a.id) AS revisionCount,
       a.status, a.status_at AS statusAt, a.time_spent_sec AS timeSpentSec, a.flag_comment AS flagComment
FROM annotations a
JOIN volumes v ON v.id = a.volume_id
JOIN cases c ON c.id = v.case_id
LEFT JOIN annotators p ON p.id = a.annotator_id
LEFT JOIN annotation_revisions h ON h.id = (SELECT max(id) FROM annotation_revisions WHERE annotation_id = a.id)`;

type Raw = Omit<AnnotationRow, 'updatedAt'> & { headAt: string | null };

/** The later of the head revision's time and the last status change. */
function toRow(r: Raw): AnnotationRow {
  const { headAt, ...rest } = r;
  const updatedAt =
    [headAt, r.statusAt]
      .filter((x): x is string => x !== null)
      .sort()
      .at(-1) ?? null;
  return { ...rest, updatedAt };
}

export function toAnnotationInfo(r: AnnotationRow): AnnotationInfo {
  return {
    id: r.id,
    volumeId: r.volumeId,
    caseId: r.caseId,
    kind: r.kind,
    annotatorId: r.annotatorId,
    authorName: r.authorName,
    headRevisionId: r.headRevisionId,
    revisionCount: r.revisionCount,
    updatedAt: r.updatedAt,
    status: r.status,
  };
}

export function getAnnotation(db: Db, id: number): AnnotationRow | undefined {
  const r = db.prepare(`${SELECT} WHERE a.id = ?`).get(id) as Raw | undefined;
  return r && toRow(r);
}

export function listAnnotationsOfVolume(db: Db, volumeId: number): AnnotationRow[] {
  return (db.prepare(`${SELECT} WHERE a.volume_id = ? ORDER BY a.id`).all(volumeId) as Raw[]).map(toRow);
}

/** Manual annotations of every volume of a project (the worklist's filled cells). */
export function listManualAnnotationsOfProject(db: Db, projectId: number): AnnotationRow[] {
  return (
    db.prepare(`${SELECT} WHERE c.project_id = ? AND a.kind = 'manual' ORDER BY a.id`).all(projectId) as Raw[]
  ).map(toRow);
}

export function findManualAnnotation(
  db: Db,
  volumeId: number,
  annotatorId: number,
): AnnotationRow | undefined {
  const r = db
    .prepare(`${SELECT} WHERE a.volume_id = ? AND a.annotator_id = ? AND a.kind = 'manual'`)
    .get(volumeId, annotatorId) as Raw | undefined;
  return r && toRow(r);
}

/** Call inside a transaction with the audit row. */
export function insertManualAnnotation(db: Db, volumeId: number, annotatorId: number, at: string): number {
  return Number(
    db
      .prepare(
        "INSERT INTO annotations (volume_id, annotator_id, kind, created_at) VALUES (?, ?, 'manual', ?)",
      )
      .run(volumeId, annotatorId, at).lastInsertRowid,
  );
}

/** A derived annotation (consensus, model draft); `name` is what made it ("STAPLE", "model 3"). */
export function insertDerivedAnnotation(db: Db, volumeId: number, name: string, at: string): number {
  return Number(
    db
      .prepare("INSERT INTO annotations (volume_id, kind, name, created_at) VALUES (?, 'derived', ?, ?)")
      .run(volumeId, name, at).lastInsertRowid,
  );
}

export function getWorkState(db: Db, id: number): { status: WorkStatus; flagComment: string | null } {
  return db.prepare('SELECT status, flag_comment AS flagComment FROM annotations WHERE id = ?').get(id) as {
    status: WorkStatus;
    flagComment: string | null;
  };
}

export function setWorkStatus(
  db: Db,
  id: number,
  status: WorkStatus,
  flagComment: string | null,
  at: string,
): void {
  db.prepare('UPDATE annotations SET status = ?, flag_comment = ?, status_at = ? WHERE id = ?').run(
    status,
    flagComment,
    at,
    id,
  );
}

/** Adds seconds of work; returns the new total. */
export function addTimeSpent(db: Db, id: number, seconds: number): number {
  db.prepare('UPDATE annotations SET time_spent_sec = time_spent_sec + ? WHERE id = ?').run(seconds, id);
  return (db.prepare('SELECT time_spent_sec AS t FROM annotations WHERE id = ?').get(id) as { t: number }).t;
}

/** What a mask save checks before it writes, read in one statement: the annotation (with its head), its
 *  volume's grid, the label values its project defines, and whether it is frozen by a sign-off. */
export interface EditTarget {
  annotation: AnnotationRow;
  /** Voxels along i, j, k of the annotation's volume. */
  dims: [number, number, number];
  /** Label values (1..255) defined in the annotation's project. */
  labels: Set<number>;
  /** The sign-off whose reference mask this annotation is (a signed reference is never edited), or null. */
  referenceOf: number | null;
  /** The adjudication whose working mask this is, when its last sign-off stands (not reopened), or null. */
  frozenBy: number | null;
}

export function readEditTarget(db: Db, annotationId: number): EditTarget | undefined {
  const r = db
    .prepare(
      `SELECT q.*, v.dim_i AS ni, v.dim_j AS nj, v.dim_k AS nk,
              (SELECT group_concat(l.value) FROM labels l WHERE l.project_id = q.projectId) AS labelValues,
              (SELECT s.id FROM sign_offs s WHERE s.reference_annotation_id = q.id) AS referenceOf,
              (SELECT ad.id FROM adjudications ad
                 JOIN sign_offs s ON s.id = (SELECT max(id) FROM sign_offs WHERE adjudication_id = ad.id)
                 WHERE ad.working_annotation_id = q.id
                   AND NOT EXISTS (SELECT 1 FROM case_reopenings cr WHERE cr.sign_off_id = s.id)) AS frozenBy
       FROM (${SELECT} WHERE a.id = ?) q JOIN volumes v ON v.id = q.volumeId`,
    )
    .get(annotationId) as
    | (Raw & {
        ni: number;
        nj: number;
        nk: number;
        labelValues: string | null;
        referenceOf: number | null;
        frozenBy: number | null;
      })
    | undefined;
  if (!r) return undefined;
  const { ni, nj, nk, labelValues, referenceOf, frozenBy, ...raw } = r;
  return {
    annotation: toRow(raw),
    dims: [ni, nj, nk],
    labels: new Set(labelValues ? labelValues.split(',').map(Number) : []),
    referenceOf,
    frozenBy,
  };
}
