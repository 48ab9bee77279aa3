// The audit rows' cryptography, shared by the writer (audit.ts), the checker (audit-verify.ts) and exchange:
//
// * hash: sha256 over (prev hash, at, actor, action, canonical detail) joined by '\n' (the chain since
//   schema 1; the first row's prev hash is 64 zeros). A row imported from another workspace (schema 7) also
//   covers its origin (workspace, id, prev hash, hash there), so its provenance is part of the local chain.
// * mac: HMAC-SHA256 with the workspace's mac key (workspace/workspace-key.ts) over the row's id and every
//   column but the mac itself, hash and prev hash included: a chain rewritten with recomputed hashes does
//   not verify without the key file, which lives outside the database.
// * head: the last row's hash and the row count, signed with the workspace's Ed25519 key; kept in
//   audit_seal and rewritten in the transaction of each append, so rows removed at the end are detected.
import { createHash, createHmac } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** An audit_log row as stored. */
export interface RawAuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  detail_json: string;
  prev_hash: string;
  hash: string;
  mac: string | null;
  origin_workspace: string | null;
  origin_id: number | null;
  origin_prev_hash: string | null;
  origin_hash: string | null;
}

/** Where an imported row came from; null for a row this workspace wrote. */
export interface AuditOrigin {
  workspace: string;
  id: number;
  prevHash: string;
  hash: string;
}

/** The row hash (hex): the plain chain formula, extended by the origin for imported rows. */
export function auditRowHash(
  prevHash: string,
  at: string,
  actor: string,
  action: string,
  detailJson: string,
  origin: AuditOrigin | null = null,
): string {
  const parts = [prevHash, at, actor, action, detailJson];
  if (origin) parts.push(origin.workspace, String(origin.id), origin.prevHash, origin.hash);
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

export function originOf(r: RawAuditRow): AuditOrigin | null {
  if (r.origin_workspace === null) return null;
  return {
    workspace: r.origin_workspace,
    id: r.origin_id ?? 0,
    prevHash: r.origin_prev_hash ?? '',
    hash: r.origin_hash ?? '',
  };
}

/** The hash a stored row should have. */
export function expectedHash(r: RawAuditRow): string {
  return auditRowHash(r.prev_hash, r.at, r.actor, r.action, r.detail_json, originOf(r));
}

/** HMAC-SHA256 (hex) of a stored row's content under the workspace's mac key. */
export function auditRowMac(macKey: Buffer, r: Omit<RawAuditRow, 'mac'>): string {
  // JSON of an array: unambiguous whatever the columns hold (no separator can be forged inside a field).
  const content = JSON.stringify([
    'concord audit row v1',
    r.id,
    r.at,
    r.actor,
    r.action,
    r.detail_json,
    r.prev_hash,
    r.hash,
    r.origin_workspace,
    r.origin_id,
    r.origin_prev_hash,
    r.origin_hash,
  ]);
  return createHmac('sha256', macKey).update(content).digest('hex');
}

/** The bytes a sealed head's signature covers. */
export function auditHeadPayload(workspaceId: string, lastHash: string, rowCount: number): Buffer {
  return Buffer.from(`concord audit head v1\n${workspaceId}\n${lastHash}\n${rowCount}`, 'utf8');
}
