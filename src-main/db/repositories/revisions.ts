// Revision rows <-> RevisionInfo. A revision is immutable and never deleted (migration 002 triggers); its
// labels are stored as a snapshot (the whole mask, workspace/mask-codec.ts) or as a delta (one patch over an
// earlier revision, workspace/mask-codec-delta.ts; migration 005). labelVoxels: label value (as a string) ->
// voxel count, label 0 (background) left out.
//
// A row's blob alone is NOT the mask when the row is a delta: read labels with readRevisionLabels
// (services/masks/revision-reader.ts), and hand whole-mask files to others with snapshotBlobOf.
import type { RevisionInfo } from '../../core/model';
import type { Db } from '../open';

export type RevisionStorage = 'snapshot' | 'delta';

/** How a revision's labels are stored (migration 005). */
export interface StoredRevision {
  /** The blob: the whole mask ('snapshot') or one patch over `baseId`'s labels ('delta'). */
  blobSha256: string;
  blobBytes: number;
  storage: RevisionStorage;
  /** 'delta': the earlier revision of the same annotation whose labels the patch goes over; else null. */
  baseId: number | null;
  /** Deltas a reader applies after the nearest snapshot, this one included (0 for a snapshot). */
  chainDepth: number;
  /** Bytes of those deltas' blobs (0 for a snapshot). */
  chainBytes: number;
}

export interface RevisionRow extends RevisionInfo, StoredRevision {}

interface Raw {
  id: number;
  annotation_id: number;
  parent_id: number | null;
  blob_sha256: string;
  blob_bytes: number;
  storage: RevisionStorage;
  base_id: number | null;
  chain_depth: number;
  chain_bytes: number;
  author: string;
  tool: string | null;
  provenance_json: string;
  label_voxels_json: string;
  created_at: string;
}

const SELECT = `SELECT r.*, b.byte_length AS blob_bytes FROM annotation_revisions r
  JOIN blobs b ON b.sha256 = r.blob_sha256`;

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
    blobBytes: r.blob_bytes,
    storage: r.storage,
    baseId: r.base_id,
    chainDepth: r.chain_depth,
    chainBytes: r.chain_bytes,
  };
}

/** The storage part of a row (to record another revision with the same labels: revert). */
export function storedRevisionOf(r: StoredRevision): StoredRevision {
  const { blobSha256, blobBytes, storage, baseId, chainDepth, chainBytes } = r;
  return { blobSha256, blobBytes, storage, baseId, chainDepth, chainBytes };
}

export function toRevisionInfo(r: RevisionRow): RevisionInfo {
  const {
    blobSha256: _blob,
    blobBytes: _bytes,
    storage: _storage,
    baseId: _base,
    chainDepth: _depth,
    chainBytes: _chain,
    ...info
  } = r;
  return info;
}

export function getRevision(db: Db, id: number): RevisionRow | undefined {
  const r = db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as Raw | undefined;
  return r && toRow(r);
}

/** Oldest first. */
export function listRevisions(db: Db, annotationId: number): RevisionRow[] {
  return (db.prepare(`${SELECT} WHERE r.annotation_id = ? ORDER BY r.id`).all(annotationId) as Raw[]).map(
    toRow,
  );
}

export function headRevisionId(db: Db, annotationId: number): number | null {
  const r = db
    .prepare('SELECT max(id) AS id FROM annotation_revisions WHERE annotation_id = ?')
    .get(annotationId) as { id: number | null };
  return r.id;
}

/** One link of a revision's chain: a revision and, when one was materialised, its whole-mask blob. */
export interface ChainLink {
  revision: RevisionRow;
  /** A whole-mask blob of this revision's labels: its own blob (a snapshot) or a materialised one. */
  snapshotSha256: string | null;
}

/**
 * The revisions whose blobs make `revisionId`'s labels: from the nearest stored snapshot along base_id to
 * the revision itself (oldest first; one link when it is a snapshot). At most chain_depth + 1 rows.
 */
export function revisionChain(db: Db, revisionId: number): ChainLink[] {
  const chain: ChainLink[] = [];
  let r = getRevision(db, revisionId);
  if (!r) throw new Error(`revision ${revisionId} does not exist`);
  for (;;) {
    chain.push({
      revision: r,
      snapshotSha256: r.storage === 'snapshot' ? r.blobSha256 : materialisedSnapshot(db, r.id),
    });
    if (r.storage === 'snapshot') break;
    const base: RevisionRow | undefined = getRevision(db, r.baseId!);
    // The schema makes this impossible (migration 005's trigger); a damaged file could still say it. Ids fall
    // at every step, so the walk ends.
    if (!base || base.id >= r.id) {
      throw new Error(`revision ${r.id}'s chain is damaged: base ${r.baseId} is missing or out of order`);
    }
    r = base;
  }
  return chain.reverse();
}

/** The whole-mask blob materialised for a delta revision (revision_snapshots), or null. */
export function materialisedSnapshot(db: Db, revisionId: number): string | null {
  const row = db
    .prepare('SELECT blob_sha256 FROM revision_snapshots WHERE revision_id = ?')
    .get(revisionId) as { blob_sha256: string } | undefined;
  return row?.blob_sha256 ?? null;
}

/** A whole-mask blob of this revision's labels, when one is stored (its own, or materialised); else null. */
export function knownSnapshot(db: Db, r: RevisionRow): string | null {
  return r.storage === 'snapshot' ? r.blobSha256 : materialisedSnapshot(db, r.id);
}

/** Records a materialised whole-mask blob of a delta revision (once; a second call changes nothing). */
export function insertRevisionSnapshot(
  db: Db,
  s: { revisionId: number; sha256: string; byteLength: number; createdAt: string },
): void {
  db.prepare('INSERT OR IGNORE INTO blobs (sha256, byte_length, created_at) VALUES (?, ?, ?)').run(
    s.sha256,
    s.byteLength,
    s.createdAt,
  );
  db.prepare(
    'INSERT OR IGNORE INTO revision_snapshots (revision_id, blob_sha256, created_at) VALUES (?, ?, ?)',
  ).run(s.revisionId, s.sha256, s.createdAt);
}

export interface NewRevision extends StoredRevision {
  annotationId: number;
  parentId: number | null;
  author: string;
  tool: string;
  provenance: Record<string, unknown>;
  labelVoxels: Record<string, number>;
  createdAt: string;
}

/**
 * Records the blob (if new) and the revision; call inside a transaction. The database refuses a parent
 * that is not the current head (trigger revisions_linear), so a lost update cannot be stored, and a delta
 * that does not rest on an earlier revision of its annotation one step deeper (trigger revisions_chain).
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
           (annotation_id, parent_id, blob_sha256, storage, base_id, chain_depth, chain_bytes, author, tool,
            provenance_json, label_voxels_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.annotationId,
        r.parentId,
        r.blobSha256,
        r.storage,
        r.baseId,
        r.chainDepth,
        r.chainBytes,
        r.author,
        r.tool,
        JSON.stringify(r.provenance),
        JSON.stringify(r.labelVoxels),
        r.createdAt,
      ).lastInsertRowid,
  );
}
