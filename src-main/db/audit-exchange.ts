// The audit trail between workspaces (exchange bundles): rows read for export with their origin, rows
// imported from another workspace appended to the local chain with theirs, and the sealed head a bundle
// carries so that the receiver can check who sealed what.
//
// A row's origin is the workspace that first wrote it and the row's id, previous hash and hash there. It
// never changes as the row travels on (A -> B -> C keeps A's), and a workspace imports one origin row once:
// the same bundle imported twice adds nothing, and a workspace's own rows coming back are skipped.
import { canonicalJson } from '../core/canonical-json';
import { ConflictError, InputError } from '../core/errors';
import type { AuditHead, PortableAuditRow } from '../core/model';
import { verifyWorkspaceSignature, workspaceIdOf } from '../workspace/workspace-key';
import { auditKeyOf, appendRaw, readSeal } from './audit';
import { auditHeadPayload, auditRowHash } from './audit-rows';
import type { RawAuditRow } from './audit-rows';
import type { Db } from './open';

function toPortable(r: RawAuditRow, workspaceId: string): PortableAuditRow {
  const own = r.origin_workspace === null;
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    detail: JSON.parse(r.detail_json) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
    originWorkspace: own ? workspaceId : r.origin_workspace!,
    originId: own ? r.id : r.origin_id!,
    originPrevHash: own ? r.prev_hash : r.origin_prev_hash!,
    originHash: own ? r.hash : r.origin_hash!,
  };
}

/**
 * The rows to export, oldest first: those `match` accepts (all by default) with id > `afterId`. Local rows
 * name `ws.key.id` as their origin. Needs the workspace's key registered (openWorkspace).
 */
export function readAuditForExport(
  db: Db,
  options: { match?: (row: PortableAuditRow) => boolean; afterId?: number } = {},
): PortableAuditRow[] {
  const key = auditKeyOf(db);
  if (!key) throw new Error('readAuditForExport needs a workspace opened with its key (openWorkspace)');
  const out: PortableAuditRow[] = [];
  for (const r of db
    .prepare('SELECT * FROM audit_log WHERE id > ? ORDER BY id')
    .iterate(options.afterId ?? 0) as IterableIterator<RawAuditRow>) {
    const p = toPortable(r, key.id);
    if (!options.match || options.match(p)) out.push(p);
  }
  return out;
}

const HEX64 = /^[0-9a-f]{64}$/;
const WORKSPACE_ID = /^[0-9a-f]{32}$/;

/** One line naming what is wrong with an imported row, or null when its content matches its origin hash. */
export function checkPortableRow(row: PortableAuditRow): string | null {
  const o = row as unknown as Record<string, unknown>;
  for (const f of ['at', 'actor', 'action'] as const)
    if (typeof o[f] !== 'string') return `an audit row has no ${f}`;
  if (typeof row.detail !== 'object' || row.detail === null || Array.isArray(row.detail))
    return `audit row ${String(o['originId'])} has no detail object`;
  if (typeof row.originWorkspace !== 'string' || !WORKSPACE_ID.test(row.originWorkspace))
    return 'an audit row names no origin workspace (32 hex digits)';
  if (!Number.isSafeInteger(row.originId) || row.originId < 1)
    return `an audit row of workspace ${row.originWorkspace} has no origin id`;
  const where = `audit row ${row.originId} of workspace ${row.originWorkspace}`;
  if (typeof row.originPrevHash !== 'string' || !HEX64.test(row.originPrevHash))
    return `${where} has no previous hash`;
  if (typeof row.originHash !== 'string' || !HEX64.test(row.originHash)) return `${where} has no hash`;
  const expected = auditRowHash(row.originPrevHash, row.at, row.actor, row.action, canonicalJson(row.detail));
  return expected === row.originHash ? null : `${where} does not match its hash: its content was changed`;
}

export interface ImportedAudit {
  /** Local ids of the rows appended, in order. */
  appended: number[];
  /** Rows already here (imported before, or this workspace's own). */
  skipped: number;
}

/**
 * Appends rows from another workspace to the local chain, keyed and sealed, keeping their origin. Call
 * inside the import's transaction (it checks every row before writing any; InputError on a row whose
 * content does not match its origin hash, ConflictError when an origin row already here differs).
 */
export function appendImportedAudit(db: Db, rows: readonly PortableAuditRow[]): ImportedAudit {
  const key = auditKeyOf(db);
  if (!key) throw new Error('appendImportedAudit needs a workspace opened with its key (openWorkspace)');
  for (const r of rows) {
    const bad = checkPortableRow(r);
    if (bad) throw new InputError(undefined, bad);
  }
  const existing = db.prepare(
    'SELECT origin_hash FROM audit_log WHERE origin_workspace = ? AND origin_id = ?',
  );
  const own = db.prepare('SELECT hash FROM audit_log WHERE id = ?');
  return db.transaction(() => {
    const result: ImportedAudit = { appended: [], skipped: 0 };
    for (const r of rows) {
      const here =
        r.originWorkspace === key.id
          ? (own.get(r.originId) as { hash: string } | undefined)?.hash
          : (existing.get(r.originWorkspace, r.originId) as { origin_hash: string } | undefined)?.origin_hash;
      if (here !== undefined) {
        if (here !== r.originHash) {
          throw new ConflictError(
            `audit row ${r.originId} of workspace ${r.originWorkspace} differs from the copy already here`,
          );
        }
        result.skipped++;
        continue;
      }
      if (r.originWorkspace === key.id) {
        throw new ConflictError(
          `audit row ${r.originId} claims to come from this workspace, which has no such row`,
        );
      }
      const raw = appendRaw(db, r.at, r.actor, r.action, canonicalJson(r.detail), {
        workspace: r.originWorkspace,
        id: r.originId,
        prevHash: r.originPrevHash,
        hash: r.originHash,
      });
      result.appended.push(raw.id);
    }
    return result;
  })();
}

/** The workspace's sealed audit head, to carry in a bundle. Throws when the trail is not sealed. */
export function readAuditHead(db: Db): AuditHead {
  const seal = readSeal(db);
  if (!seal?.signature || !seal.workspace_id || !seal.public_key_pem)
    throw new ConflictError('the audit trail of this workspace is not sealed');
  return {
    workspaceId: seal.workspace_id,
    publicKeyPem: seal.public_key_pem,
    lastHash: seal.last_hash,
    rowCount: seal.row_count,
    signature: seal.signature,
  };
}

/**
 * True when `head` is signed by `publicKeyPem` (by default the key it names) and names that key's
 * workspace; false for any malformed head.
 */
export function verifyAuditHead(head: AuditHead, publicKeyPem: string = head.publicKeyPem): boolean {
  try {
    if (!HEX64.test(head.lastHash) || !Number.isSafeInteger(head.rowCount) || head.rowCount < 0) return false;
    if (workspaceIdOf(publicKeyPem) !== head.workspaceId) return false;
    if (workspaceIdOf(head.publicKeyPem) !== head.workspaceId) return false;
    return verifyWorkspaceSignature(
      publicKeyPem,
      auditHeadPayload(head.workspaceId, head.lastHash, head.rowCount),
      Buffer.from(head.signature, 'base64'),
    );
  } catch {
    return false;
  }
}
