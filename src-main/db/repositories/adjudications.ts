// Adjudication rows (migration 003) <-> AdjudicationState. Rows are append-only; the status is derived: a
// volume's adjudication is signed off when its newest sign-off has no reopening.
import type { AdjudicationDecision, AdjudicationState, DecisionKind, SignOffInfo } from '../../core/model';
import type { Db } from '../open';
import { headRevisionId } from './revisions';

export interface AdjudicationRow {
  id: number;
  caseId: number;
  volumeId: number;
  label: number;
  workingAnnotationId: number;
  seedRevisionId: number;
  startedBy: string;
  startedAt: string;
}

const SELECT = `
SELECT a.id, v.case_id AS caseId, a.volume_id AS volumeId, a.label, a.working_annotation_id AS workingAnnotationId,
       a.seed_revision_id AS seedRevisionId, a.started_by AS startedBy, a.started_at AS startedAt
FROM adjudications a JOIN volumes v ON v.id = a.volume_id`;

export function getAdjudication(db: Db, id: number): AdjudicationRow | undefined {
  return db.prepare(`${SELECT} WHERE a.id = ?`).get(id) as AdjudicationRow | undefined;
}

export function adjudicationOfVolume(db: Db, volumeId: number): AdjudicationRow | undefined {
  return db.prepare(`${SELECT} WHERE a.volume_id = ?`).get(volumeId) as AdjudicationRow | undefined;
}

/** The adjudication whose working mask is this annotation, if any. */
export function adjudicationOfWorking(db: Db, annotationId: number): AdjudicationRow | undefined {
  return db.prepare(`${SELECT} WHERE a.working_annotation_id = ?`).get(annotationId) as
    AdjudicationRow | undefined;
}

/** Annotation ids that are adjudication working masks (left out of the default rater selection). */
export function workingAnnotationIds(db: Db): Set<number> {
  const rows = db.prepare('SELECT working_annotation_id AS id FROM adjudications').all() as { id: number }[];
  return new Set(rows.map((r) => r.id));
}

/** Call inside a transaction with the audit row. */
export function insertAdjudication(
  db: Db,
  r: {
    volumeId: number;
    label: number;
    workingAnnotationId: number;
    seedRevisionId: number;
    by: string;
    at: string;
  },
): number {
  return Number(
    db
      .prepare(
        `INSERT INTO adjudications (volume_id, label, working_annotation_id, seed_revision_id, started_by, started_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(r.volumeId, r.label, r.workingAnnotationId, r.seedRevisionId, r.by, r.at).lastInsertRowid,
  );
}

export interface NewDecision {
  adjudicationId: number;
  kind: DecisionKind;
  region: AdjudicationDecision['region'];
  sourceRevisionId: number | null;
  rationale: string;
  resultRevisionId: number;
  voxelsChanged: number;
  by: string;
  at: string;
}

/** Call inside a transaction with the revision and the audit row. */
export function insertDecision(db: Db, d: NewDecision): number {
  return Number(
    db
      .prepare(
        `INSERT INTO adjudication_decisions (adjudication_id, kind, region_json, source_revision_id, rationale,
           result_revision_id, voxels_changed, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        d.adjudicationId,
        d.kind,
        d.region ? JSON.stringify(d.region) : null,
        d.sourceRevisionId,
        d.rationale,
        d.resultRevisionId,
        d.voxelsChanged,
        d.by,
        d.at,
      ).lastInsertRowid,
  );
}

interface RawDecision {
  id: number;
  adjudication_id: number;
  kind: DecisionKind;
  region_json: string | null;
  source_revision_id: number | null;
  rationale: string;
  result_revision_id: number;
  voxels_changed: number;
  decided_by: string;
  decided_at: string;
}

export function listDecisions(db: Db, adjudicationId: number): AdjudicationDecision[] {
  const rows = db
    .prepare('SELECT * FROM adjudication_decisions WHERE adjudication_id = ? ORDER BY id')
    .all(adjudicationId) as RawDecision[];
  return rows.map((r) => ({
    id: r.id,
    adjudicationId: r.adjudication_id,
    kind: r.kind,
    region: r.region_json ? (JSON.parse(r.region_json) as AdjudicationDecision['region']) : null,
    sourceRevisionId: r.source_revision_id,
    rationale: r.rationale,
    resultRevisionId: r.result_revision_id,
    voxelsChanged: r.voxels_changed,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
  }));
}

/** Call inside a transaction with the reference revision and the audit row. */
export function insertSignOff(
  db: Db,
  s: {
    adjudicationId: number;
    referenceAnnotationId: number;
    referenceRevisionId: number;
    workingRevisionId: number;
    comment: string | null;
    by: string;
    at: string;
  },
): number {
  return Number(
    db
      .prepare(
        `INSERT INTO sign_offs (adjudication_id, reference_annotation_id, reference_revision_id, working_revision_id,
           comment, signed_by, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        s.adjudicationId,
        s.referenceAnnotationId,
        s.referenceRevisionId,
        s.workingRevisionId,
        s.comment,
        s.by,
        s.at,
      ).lastInsertRowid,
  );
}

/** Call inside a transaction with the audit row. */
export function insertReopening(db: Db, signOffId: number, by: string, at: string, reason: string): void {
  db.prepare(
    'INSERT INTO case_reopenings (sign_off_id, reopened_by, reopened_at, reason) VALUES (?, ?, ?, ?)',
  ).run(signOffId, by, at, reason);
}

export function listSignOffs(db: Db, adjudicationId: number): SignOffInfo[] {
  return db
    .prepare(
      `SELECT s.id, s.reference_annotation_id AS referenceAnnotationId, s.reference_revision_id AS referenceRevisionId,
              s.working_revision_id AS workingRevisionId, s.comment, s.signed_by AS signedBy, s.signed_at AS signedAt,
              r.reopened_by AS reopenedBy, r.reopened_at AS reopenedAt, r.reason AS reopenReason
       FROM sign_offs s LEFT JOIN case_reopenings r ON r.sign_off_id = s.id
       WHERE s.adjudication_id = ? ORDER BY s.id`,
    )
    .all(adjudicationId) as SignOffInfo[];
}

export function isSignedOff(signOffs: SignOffInfo[]): boolean {
  const last = signOffs.at(-1);
  return last !== undefined && last.reopenedAt === null;
}

export function adjudicationState(db: Db, row: AdjudicationRow): AdjudicationState {
  const signOffs = listSignOffs(db, row.id);
  return {
    ...row,
    headRevisionId: headRevisionId(db, row.workingAnnotationId)!,
    status: isSignedOff(signOffs) ? 'signed-off' : 'open',
    decisions: listDecisions(db, row.id),
    signOffs,
  };
}

/**
 * The case reference mask in force for a volume: the revision of the newest sign-off that was not reopened,
 * or null. (Training and exports should use this rather than any annotation named 'reference'.)
 */
export function currentReferenceRevision(db: Db, volumeId: number): number | null {
  const row = adjudicationOfVolume(db, volumeId);
  if (!row) return null;
  const signOffs = listSignOffs(db, row.id);
  return isSignedOff(signOffs) ? signOffs.at(-1)!.referenceRevisionId : null;
}
