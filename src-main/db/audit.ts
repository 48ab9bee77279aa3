// The audit log: every data-changing action appends a row inside the caller's transaction, so the row
// commits together with the change it records. Rows are hash-chained (audit-rows.ts); triggers forbid
// UPDATE and DELETE.
//
// Keyed (schema 7): in a workspace, each row also carries an HMAC with the workspace's key, and the head
// (last hash, row count) is signed in audit_seal, rewritten in the same transaction as each append. The key
// file lives beside the database, never in it, so someone holding only the database can neither rewrite a
// row (recomputing the later hashes) nor drop the last rows without audit-verify.ts noticing.
//
// How the key reaches appendAudit: openWorkspace registers its key for the Db handle (registerAuditKey), so
// the many callers of appendAudit pass only the handle. A handle without a registered key (a bare
// openDatabase, as tests use) may append only while the trail was never sealed; once sealed, an unkeyed
// append is refused here and by a trigger (migration 007). A workspace whose key file does not match the
// key that sealed its trail (replaced, or lost and made anew) refuses every append: its rows could not be
// proven any more, and writing on would hide that.
import { ConflictError } from '../core/errors';
import { canonicalJson } from '../core/canonical-json';
import type { WorkspaceKey } from '../workspace/workspace-key';
import { auditHeadPayload, auditRowHash, auditRowMac, GENESIS_HASH } from './audit-rows';
import type { AuditOrigin, RawAuditRow } from './audit-rows';
import type { Db } from './open';

export { GENESIS_HASH } from './audit-rows';
export { verifyAudit } from './audit-verify';

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

/** The audit_seal row (migration 007); workspace_id and signature are null until the trail is keyed. */
export interface SealRow {
  workspace_id: string | null;
  public_key_pem: string | null;
  row_count: number;
  last_hash: string;
  signature: string | null;
}

interface KeyState {
  key: WorkspaceKey;
  /** Why appends are refused (the key does not match the seal), or null. */
  refusal: string | null;
}

const keys = new WeakMap<Db, KeyState>();

export function readSeal(db: Db): SealRow | undefined {
  const hasTable = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_seal'")
    .get();
  if (!hasTable) return undefined;
  return db
    .prepare(
      'SELECT workspace_id, public_key_pem, row_count, last_hash, signature FROM audit_seal WHERE id = 1',
    )
    .get() as SealRow | undefined;
}

/** The key openWorkspace registered for this handle, if any. */
export function auditKeyOf(db: Db): WorkspaceKey | undefined {
  return keys.get(db)?.key;
}

/**
 * Registers the workspace key for appends on `db` (openWorkspace does, after the migrations). `keyCreated`:
 * the key file was missing and has just been made, which the refusal then says.
 */
export function registerAuditKey(db: Db, key: WorkspaceKey, keyCreated = false): void {
  const seal = readSeal(db);
  let refusal: string | null = null;
  if (!seal || seal.signature === null || seal.workspace_id === null) {
    refusal =
      'the audit trail of this workspace has no signed seal (its seal was removed or reset behind Concord’s back)';
  } else if (seal.workspace_id !== key.id) {
    refusal = `workspace.key is not the key that sealed this workspace's audit trail (sealed by ${seal.workspace_id}, the key file is ${key.id}${
      keyCreated ? ', made now because workspace.key was missing' : ''
    }): restore the original workspace.key`;
  }
  keys.set(db, { key, refusal });
}

/** Why appends on `db` are refused, or null. */
export function auditRefusal(db: Db): string | null {
  return keys.get(db)?.refusal ?? null;
}

/** Appends one row; call inside the transaction that makes the change. */
export function appendAudit(db: Db, entry: AuditInput, at = new Date().toISOString()): AuditRow {
  const detailJson = canonicalJson(entry.detail);
  const raw = db.transaction(() => appendRaw(db, at, entry.actor, entry.action, detailJson, null))();
  return { id: raw.id, at, ...entry, prevHash: raw.prev_hash, hash: raw.hash };
}

/** Inserts one row (keyed and sealed when the handle has a key) in a transaction or savepoint. */
export function appendRaw(
  db: Db,
  at: string,
  actor: string,
  action: string,
  detailJson: string,
  origin: AuditOrigin | null,
): RawAuditRow {
  const state = keys.get(db);
  if (state?.refusal) throw new ConflictError(`the audit trail cannot be written: ${state.refusal}`);
  if (!state && readSeal(db)?.signature) {
    throw new ConflictError(
      "this workspace's audit trail is sealed with its key: open it as a workspace (openWorkspace) to write",
    );
  }
  const last = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as
    { id: number; hash: string } | undefined;
  const row: RawAuditRow = {
    // Explicit, so that the MAC can cover it; the same id SQLite would choose.
    id: (last?.id ?? 0) + 1,
    at,
    actor,
    action,
    detail_json: detailJson,
    prev_hash: last?.hash ?? GENESIS_HASH,
    hash: '',
    mac: null,
    origin_workspace: origin?.workspace ?? null,
    origin_id: origin?.id ?? null,
    origin_prev_hash: origin?.prevHash ?? null,
    origin_hash: origin?.hash ?? null,
  };
  row.hash = auditRowHash(row.prev_hash, at, actor, action, detailJson, origin);
  if (state) row.mac = auditRowMac(state.key.macKey, row);
  if (origin) {
    db.prepare(
      `INSERT INTO audit_log (id, at, actor, action, detail_json, prev_hash, hash, mac, origin_workspace,
         origin_id, origin_prev_hash, origin_hash)
       VALUES (@id, @at, @actor, @action, @detail_json, @prev_hash, @hash, @mac, @origin_workspace,
         @origin_id, @origin_prev_hash, @origin_hash)`,
    ).run(row);
  } else if (state) {
    db.prepare(
      `INSERT INTO audit_log (id, at, actor, action, detail_json, prev_hash, hash, mac)
       VALUES (@id, @at, @actor, @action, @detail_json, @prev_hash, @hash, @mac)`,
    ).run(row);
  } else {
    // A bare handle on a trail never sealed (tests, and databases below schema 7 in migration tests).
    db.prepare(
      'INSERT INTO audit_log (id, at, actor, action, detail_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(row.id, at, actor, action, detailJson, row.prev_hash, row.hash);
  }
  if (state) {
    const seal = readSeal(db)!;
    writeSeal(db, state.key, seal.row_count + 1, row.hash);
  }
  return row;
}

function writeSeal(db: Db, key: WorkspaceKey, rowCount: number, lastHash: string): void {
  const signature = key.sign(auditHeadPayload(key.id, lastHash, rowCount)).toString('base64');
  db.prepare(
    `UPDATE audit_seal SET workspace_id = ?, public_key_pem = ?, row_count = ?, last_hash = ?, signature = ?,
       sealed_at = ? WHERE id = 1`,
  ).run(key.id, key.publicKeyPem, rowCount, lastHash, signature, new Date().toISOString());
}

/** Rows MACed per statement batch when a trail is keyed for the first time. */
const KEYING_BATCH = 5000;

/**
 * Keys a trail for the first time: a MAC for every row written before, then the signed seal. Migration 007
 * runs it in its own transaction when the workspace is opened with its key, so the rows of an existing
 * workspace are keyed as they stand at the upgrade: tampering from that point on is detected; what was done
 * to the plain hash chain before cannot be told apart (the chain check still catches a row edited without
 * recomputing the later hashes).
 */
export function keyExistingAudit(db: Db, key: WorkspaceKey): void {
  const update = db.prepare('UPDATE audit_log SET mac = ? WHERE id = ? AND mac IS NULL');
  let after = 0;
  let count = 0;
  let lastHash = GENESIS_HASH;
  for (;;) {
    const batch = db
      .prepare('SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?')
      .all(after, KEYING_BATCH) as RawAuditRow[];
    if (batch.length === 0) break;
    for (const r of batch) {
      if (r.mac === null) update.run(auditRowMac(key.macKey, r), r.id);
      lastHash = r.hash;
    }
    count += batch.length;
    after = batch[batch.length - 1]!.id;
  }
  writeSeal(db, key, count, lastHash);
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
