// Revision rows <-> RevisionInfo. A revision is immutable and never deleted (migration 002 triggers); its
// mask is a blob in the mask codec (workspace/mask-codec.ts). labelVoxels: label value (as a string) ->
// voxel count, label 0 (background) left out.
import type { RevisionInfo } from '../../core/model';
import type { Db } from '../open';

export interface RevisionRow extends RevisionInfo {
  blobSha256: string;
}

interface Raw {
  id: number;
  annotation_id: number;
  parent_id: number | null;
  blob_sha256: string;
  author: string;
  tool: string | null;
  provenance_json: string;
  label_voxels_json: string;
  created_at: string;
}

function toRow(r: Raw): RevisionRow {
  return {
    id: r.id,
    annotationId: r.annotation_id,
    parentId: r.parent_id,
    author: r.author,
    tool: r.tool,
    createdAt: r.created_at,
    provenance: JSON.parse(r.provenance_json) as Record<string, unknown>,
    labelVoxels: JSON.parse(r.label_voxels_json) as Record<string, number>,
    blobSha256: r.blob_sha256,
  };
}

export function toRevisionInfo(r: RevisionRow): RevisionInfo {
  const { blobSha256: _blob, ...info } = r;
  return info;
}

export function getRevision(db: Db, id: number): RevisionRow | undefined {
  const r = db.prepare('SELECT * FROM annotation_revisions WHERE id = ?').get(id) as Raw | undefined;
  return r && toRow(r);
}

/** Oldest first. */
export function listRevisions(db: Db, annotationId: number): RevisionRow[] {
  return (
    db
      .prepare('SELECT * FROM annotation_revisions WHERE annotation_id = ? ORDER BY id')
      .all(annotationId) as Raw[]
  ).map(toRow);
}

export function headRevisionId(db: Db, annotationId: number): number | null {
  const r = db
    .prepare('SELECT max(id) AS id FROM annotation_revisions WHERE annotation_id = ?')
    .get(annotationId) as { id: number | null };
  return r.id;
}

export interface NewRevision {
  annotationId: number;
  parentId: number | null;
  blobSha256: string;
  blobBytes: number;
  author: string;
  tool: string;
  provenance: Record<string, unknown>;
  labelVoxels: Record<string, number>;
  createdAt: string;
}

/**
 * Records the blob (if new) and the revision; call inside a transaction. The database refuses a parent
 * that is not the current head (trigger revisions_linear), so a lost update cannot be stored.
 */
export function insertRevision(db: Db, r: NewRevision): number {
  db.prepare('INSERT OR IGNORE INTO blobs (sha256, byte_length, created_at) VALUES (?, ?, ?)').run(
    r.blobSha256,
    r.blobBytes,
    r.createdAt,
  );
  return Number(
    db
      .prepare(
        `INSERT INTO annotation_revisions
           (annotation_id, parent_id, blob_sha256, author, tool, provenance_json, label_voxels_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.annotationId,
        r.parentId,
        r.blobSha256,
        r.author,
        r.tool,
        JSON.stringify(r.provenance),
        JSON.stringify(r.labelVoxels),
        r.createdAt,
      ).lastInsertRowid,
  );
}
