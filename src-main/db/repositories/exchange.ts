// Global ids of rows that travel in bundles, and the signers a workspace trusts (migration 'exchange').
// A row made here has gid "<this workspace's id>/<kind>/<row id>"; a row imported from a bundle keeps the
// gid it had there (exchange_origins).
import type { Db } from '../open';

export type OriginKind = 'annotation' | 'revision' | 'adjudication' | 'decision' | 'sign-off' | 'reopening';

export interface Gids {
  /** The gid of a local row. */
  of(kind: OriginKind, localId: number): string;
  /** The local row a gid names, or null when this workspace does not have it. */
  resolve(kind: OriginKind, gid: string): number | null;
}

export function gidsOf(db: Db, workspaceId: string): Gids {
  const byLocal = db.prepare('SELECT origin FROM exchange_origins WHERE kind = ? AND local_id = ?').pluck();
  const byOrigin = db.prepare('SELECT local_id FROM exchange_origins WHERE kind = ? AND origin = ?').pluck();
  const table: Record<OriginKind, string> = {
    annotation: 'annotations',
    revision: 'annotation_revisions',
    adjudication: 'adjudications',
    decision: 'adjudication_decisions',
    'sign-off': 'sign_offs',
    reopening: 'case_reopenings',
  };
  const own = `${workspaceId}/`;
  return {
    of(kind, localId) {
      return (byLocal.get(kind, localId) as string | undefined) ?? `${own}${kind}/${localId}`;
    },
    resolve(kind, gid) {
      const mapped = byOrigin.get(kind, gid) as number | undefined;
      if (mapped !== undefined) return mapped;
      const prefix = `${own}${kind}/`;
      if (!gid.startsWith(prefix)) return null;
      const id = Number(gid.slice(prefix.length));
      if (!Number.isSafeInteger(id) || id <= 0) return null;
      // Our own row, unless it was itself imported (then its gid is its origin, not ours).
      const exists = db.prepare(`SELECT 1 FROM ${table[kind]} WHERE id = ?`).get(id);
      return exists && byLocal.get(kind, id) === undefined ? id : null;
    },
  };
}

/** Call inside the transaction that inserts the row (for a revision: before it, with its id given). */
export function recordOrigin(db: Db, kind: OriginKind, gid: string, localId: number, at: string): void {
  db.prepare('INSERT INTO exchange_origins (kind, origin, local_id, imported_at) VALUES (?, ?, ?, ?)').run(
    kind,
    gid,
    localId,
    at,
  );
}

export interface TrustedSigner {
  workspaceId: string;
  publicKeyPem: string;
  trustedAt: string;
  trustedBy: string;
}

export function getTrustedSigner(db: Db, workspaceId: string): TrustedSigner | undefined {
  return db
    .prepare(
      `SELECT workspace_id AS workspaceId, public_key_pem AS publicKeyPem, trusted_at AS trustedAt,
              trusted_by AS trustedBy FROM trusted_signers WHERE workspace_id = ?`,
    )
    .get(workspaceId) as TrustedSigner | undefined;
}

export function listTrustedSigners(db: Db): TrustedSigner[] {
  return db
    .prepare(
      `SELECT workspace_id AS workspaceId, public_key_pem AS publicKeyPem, trusted_at AS trustedAt,
              trusted_by AS trustedBy FROM trusted_signers ORDER BY trusted_at`,
    )
    .all() as TrustedSigner[];
}

/** Call inside a transaction with the audit row. */
export function insertTrustedSigner(db: Db, s: TrustedSigner): void {
  db.prepare(
    'INSERT OR IGNORE INTO trusted_signers (workspace_id, public_key_pem, trusted_at, trusted_by) VALUES (?, ?, ?, ?)',
  ).run(s.workspaceId, s.publicKeyPem, s.trustedAt, s.trustedBy);
}
