// Checks an audit trail (audit.ts, audit-rows.ts) and names the first thing wrong:
//  - the key: workspace.key must be the key that sealed the trail ('foreign-key'; 'missing-key' when absent);
//  - each row in id order: its prev hash must be the previous row's hash ('broken-chain': a row removed or
//    inserted), its hash must match its content ('edited'), its MAC must match under the key ('bad-mac': a
//    row rewritten with recomputed hashes; 'unkeyed': a row inserted without a MAC);
//  - the seal: signed by the workspace key ('bad-seal'), and its row count and last hash equal to the rows'
//    ('seal-mismatch': rows removed at the end, or added after it).
// A handle with no key at all (a bare openDatabase on a trail never sealed) gets the hash chain checked only.
//
// The check when a workspace opens runs verifyAuditInSlices: slices of rows between turns of the event loop,
// so that the Electron main loop and the web host keep answering (100k rows: see the README's figure).
import type { AuditVerification } from '../core/model';
import type { WorkspaceKey } from '../workspace/workspace-key';
import { verifyWorkspaceSignature, workspaceIdOf } from '../workspace/workspace-key';
import { auditKeyOf, readSeal } from './audit';
import type { SealRow } from './audit';
import { auditHeadPayload, auditRowMac, expectedHash, GENESIS_HASH } from './audit-rows';
import type { RawAuditRow } from './audit-rows';
import type { Db } from './open';

export interface VerifyOptions {
  /** The key to check MACs with; null: the key file is missing. Default: the key registered for `db`. */
  key?: WorkspaceKey | null;
  /** The key file's path, for messages. */
  keyFile?: string;
}

interface Fault {
  problem: NonNullable<AuditVerification['problem']>;
  id: number | null;
  message: string;
}

/** Checks rows one at a time, in id order. */
class RowChecker {
  prev = GENESIS_HASH;
  rows = 0;
  lastId = 0;
  fault: Fault | null = null;
  constructor(private readonly macKey: Buffer | null) {}

  /** False once a fault is found. */
  feed(r: RawAuditRow): boolean {
    this.rows++;
    this.lastId = r.id;
    if (r.prev_hash !== this.prev) {
      this.fault = {
        problem: 'broken-chain',
        id: r.id,
        message: `row ${r.id} does not follow the row before it (its previous hash differs): a row was removed or inserted before it`,
      };
    } else if (r.hash !== expectedHash(r)) {
      this.fault = {
        problem: 'edited',
        id: r.id,
        message: `row ${r.id} (${r.action}) does not match its hash: its content was edited`,
      };
    } else if (this.macKey && r.mac === null) {
      this.fault = {
        problem: 'unkeyed',
        id: r.id,
        message: `row ${r.id} (${r.action}) has no MAC: it was written without the workspace key`,
      };
    } else if (this.macKey && r.mac !== auditRowMac(this.macKey, r)) {
      this.fault = {
        problem: 'bad-mac',
        id: r.id,
        message: `row ${r.id} (${r.action}) does not match its MAC: it was rewritten (hashes recomputed) without the workspace key`,
      };
    }
    this.prev = r.hash;
    return this.fault === null;
  }
}

function verdict(
  rows: number,
  fault: Fault | null,
  sealed: boolean,
  workspaceId: string | null,
): AuditVerification {
  return {
    intact: fault === null,
    rows,
    firstBadId: fault?.id ?? null,
    sealed,
    problem: fault?.problem ?? null,
    message: fault?.message ?? null,
    workspaceId,
  };
}

type Plan = { done: AuditVerification } | { key: WorkspaceKey | null; keyMissing: boolean };

function isSigned(seal: SealRow | undefined): boolean {
  return Boolean(seal?.signature && seal.workspace_id && seal.public_key_pem);
}

/** What to check, from the key and the seal; a verdict already when the key is not the trail's. */
function plan(db: Db, options: VerifyOptions): Plan {
  const seal = readSeal(db);
  const signed = isSigned(seal);
  const key = options.key === undefined ? (auditKeyOf(db) ?? null) : options.key;
  const keyMissing = options.key === null;
  const keyFile = options.keyFile ?? 'workspace.key';
  if (key && signed && seal!.workspace_id !== key.id) {
    const rows = (db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
    return {
      done: verdict(
        rows,
        {
          problem: 'foreign-key',
          id: null,
          message: `${keyFile} is not the key that sealed this audit trail (sealed by workspace ${seal!.workspace_id}, the key file is workspace ${key.id}): the rows cannot be proven; restore the original key file`,
        },
        true,
        seal!.workspace_id,
      ),
    };
  }
  return { key: signed ? key : null, keyMissing };
}

/** After the rows (in the read transaction of the last ones): the seal's signature and head against them. */
function finish(db: Db, checker: RowChecker, keyMissing: boolean, options: VerifyOptions): AuditVerification {
  const seal = readSeal(db);
  const signed = isSigned(seal);
  const wantSeal = options.key === null || Boolean(options.key) || auditKeyOf(db) !== undefined;
  const keyFile = options.keyFile ?? 'workspace.key';
  const workspaceId = signed ? seal!.workspace_id : null;
  if (checker.fault) return verdict(checker.rows, checker.fault, signed, workspaceId);
  if (!signed) {
    // A trail checked with a key (a workspace) must be sealed; a bare handle on a never-sealed one checks the
    // chain only.
    if (!wantSeal) return verdict(checker.rows, null, false, null);
    return verdict(
      checker.rows,
      {
        problem: 'unsealed',
        id: null,
        message: seal
          ? 'the audit trail has no signed seal: its seal was reset behind Concord’s back'
          : 'the audit trail has no seal: it was removed behind Concord’s back',
      },
      false,
      null,
    );
  }
  const s = seal!;
  const payload = auditHeadPayload(s.workspace_id!, s.last_hash, s.row_count);
  if (
    workspaceIdOf(s.public_key_pem!) !== s.workspace_id ||
    !verifyWorkspaceSignature(s.public_key_pem!, payload, Buffer.from(s.signature!, 'base64'))
  ) {
    return verdict(
      checker.rows,
      {
        problem: 'bad-seal',
        id: null,
        message: `the audit seal's signature does not verify under workspace ${s.workspace_id}'s key: the seal was rewritten`,
      },
      true,
      workspaceId,
    );
  }
  if (s.row_count !== checker.rows || s.last_hash !== checker.prev) {
    const fewer = checker.rows < s.row_count;
    return verdict(
      checker.rows,
      {
        problem: 'seal-mismatch',
        id: fewer ? null : checker.lastId,
        message: fewer
          ? `the seal counts ${s.row_count} rows but the log holds ${checker.rows}: the last ${s.row_count - checker.rows} row(s) were removed`
          : checker.rows > s.row_count
            ? `the log holds ${checker.rows} rows but the seal counts ${s.row_count}: rows were added after the sealed head`
            : `the last row's hash differs from the sealed head's: the end of the log was replaced`,
      },
      true,
      workspaceId,
    );
  }
  if (keyMissing) {
    return verdict(
      checker.rows,
      {
        problem: 'missing-key',
        id: null,
        message: `${keyFile} is missing: the chain and the seal hold, but the rows' MACs cannot be checked; restore the key file from a backup`,
      },
      true,
      workspaceId,
    );
  }
  return verdict(checker.rows, null, true, workspaceId);
}

/** Checks the whole trail at once (the CLI, tests). */
export function verifyAudit(db: Db, options: VerifyOptions = {}): AuditVerification {
  const p = plan(db, options);
  if ('done' in p) return p.done;
  const checker = new RowChecker(p.key?.macKey ?? null);
  const read = db.transaction(() => {
    for (const r of db
      .prepare('SELECT * FROM audit_log ORDER BY id')
      .iterate() as IterableIterator<RawAuditRow>) {
      if (!checker.feed(r)) break;
    }
    return finish(db, checker, p.keyMissing, options);
  });
  return read.deferred();
}

/** Rows per slice of verifyAuditInSlices: a few milliseconds of hashing between turns of the event loop. */
export const VERIFY_SLICE_ROWS = 2000;

/**
 * The same check in slices, yielding to the event loop between them. Rows are immutable and appended only,
 * so slices read outside one snapshot see what one would; the last slice and the seal are read in one read
 * transaction, so rows appended meanwhile are checked against the seal that covers them.
 */
export async function verifyAuditInSlices(
  db: Db,
  options: VerifyOptions = {},
  sliceRows = VERIFY_SLICE_ROWS,
): Promise<AuditVerification> {
  const p = plan(db, options);
  if ('done' in p) return p.done;
  const checker = new RowChecker(p.key?.macKey ?? null);
  const slice = db.prepare('SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?');
  for (;;) {
    const rows = slice.all(checker.lastId, sliceRows) as RawAuditRow[];
    for (const r of rows) if (!checker.feed(r)) break;
    if (checker.fault || rows.length < sliceRows) break;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const last = db.transaction(() => {
    if (!checker.fault) {
      for (const r of db
        .prepare('SELECT * FROM audit_log WHERE id > ? ORDER BY id')
        .iterate(checker.lastId) as IterableIterator<RawAuditRow>) {
        if (!checker.feed(r)) break;
      }
    }
    return finish(db, checker, p.keyMissing, options);
  });
  return last.deferred();
}
