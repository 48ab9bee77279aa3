// The hash-chained audit log. Each row's hash = sha256(prev_hash | at | actor | action | canonical detail),
// with prev_hash of the first row = 64 zeros. Rows are appended inside the caller's transaction, so the
// audit row commits together with the change it records. Triggers forbid UPDATE and DELETE; verifyAudit
// detects a row edited behind SQLite's back (or a trigger dropped).
import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json';
import type { Db } from './open';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditInput {
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

function rowHash(prevHash: string, at: string, actor: string, action: string, detailJson: string): string {
  return createHash('sha256').update([prevHash, at, actor, action, detailJson].join('\n')).digest('hex');
}

/** Appends one row; call inside the transaction that makes the change. */
export function appendAudit(db: Db, entry: AuditInput, at = new Date().toISOString()): AuditRow {
  const last = db.prepare('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as
    { hash: string } | undefined;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const detailJson = canonicalJson(entry.detail);
  const hash = rowHash(prevHash, at, entry.actor, entry.action, detailJson);
  const info = db
    .prepare(
      'INSERT INTO audit_log (at, actor, action, detail_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(at, entry.actor, entry.action, detailJson, prevHash, hash);
  return { id: Number(info.lastInsertRowid), at, ...entry, prevHash, hash };
}

interface RawAuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  detail_json: string;
  prev_hash: string;
  hash: string;
}

function toRow(r: RawAuditRow): AuditRow {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    detail: JSON.parse(r.detail_json) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** Newest first. */
export function listAudit(db: Db, limit = 200): AuditRow[] {
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as RawAuditRow[];
  return rows.map(toRow);
}

/** Newest first, lazily (for readers that filter rows and stop once they have enough). */
export function* auditNewestFirst(db: Db): Generator<AuditRow> {
  for (const r of db
    .prepare('SELECT * FROM audit_log ORDER BY id DESC')
    .iterate() as IterableIterator<RawAuditRow>) {
    yield toRow(r);
  }
}

export interface AuditVerification {
  intact: boolean;
  rows: number;
  /** The first row whose hash or link does not match, or null. */
  firstBadId: number | null;
}

export function verifyAudit(db: Db): AuditVerification {
  let prev = GENESIS_HASH;
  let rows = 0;
  for (const r of db
    .prepare('SELECT * FROM audit_log ORDER BY id')
    .iterate() as IterableIterator<RawAuditRow>) {
    rows++;
    const expected = rowHash(prev, r.at, r.actor, r.action, r.detail_json);
    if (r.prev_hash !== prev || r.hash !== expected) return { intact: false, rows, firstBadId: r.id };
    prev = r.hash;
  }
  return { intact: true, rows, firstBadId: null };
}
