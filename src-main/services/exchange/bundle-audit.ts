// The exporting workspace's audit trail as a bundle carries it, and what an import does with it. Until the
// keyed audit trail lands (sealed head, origin of imported rows), a bundle carries the rows of the hash
// chain and its head (row count and last hash), and the receiver checks that the chain it got is whole.
import { createHash } from 'node:crypto';
import { InputError } from '../../core/errors';
import { GENESIS_HASH } from '../../db/audit';
import type { Workspace } from '../../workspace/workspace';

export interface BundleAuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  detailJson: string;
  prevHash: string;
  hash: string;
}

export interface BundleAudit {
  rows: BundleAuditRow[];
  head: { rows: number; hash: string };
}

export function auditForBundle(ws: Workspace): BundleAudit {
  const rows = (
    ws.db
      .prepare('SELECT id, at, actor, action, detail_json, prev_hash, hash FROM audit_log ORDER BY id')
      .all() as {
      id: number;
      at: string;
      actor: string;
      action: string;
      detail_json: string;
      prev_hash: string;
      hash: string;
    }[]
  ).map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    detailJson: r.detail_json,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
  return { rows, head: { rows: rows.length, hash: rows.at(-1)?.hash ?? GENESIS_HASH } };
}

/** Throws InputError unless the carried rows chain from the genesis to the head the bundle states. */
export function checkBundleAudit(audit: unknown, file: string): void {
  const a = audit as BundleAudit | null;
  if (!a || !Array.isArray(a.rows) || typeof a.head?.hash !== 'string')
    throw new InputError(file, 'the bundle carries no audit trail');
  let prev = GENESIS_HASH;
  for (const r of a.rows) {
    const expected = createHash('sha256')
      .update([prev, r.at, r.actor, r.action, r.detailJson].join('\n'))
      .digest('hex');
    if (r.prevHash !== prev || r.hash !== expected)
      throw new InputError(file, `the bundle's audit trail is broken at its row ${r.id}`);
    prev = r.hash;
  }
  if (a.rows.length !== a.head.rows || prev !== a.head.hash)
    throw new InputError(file, "the bundle's audit trail does not end at its stated head");
}
