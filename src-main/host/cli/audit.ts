// `concord audit verify --workspace <dir> [--json]`: checks a workspace's audit trail (db/audit-verify.ts)
// without changing anything: the database is opened read-only and the key file is read, never made.
// Exit 0 when intact, 2 when broken (the first bad row and what is wrong, one line on stderr too).
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors';
import { auditVerdictLine } from '../../core/audit-verdict';
import type { AuditVerification } from '../../core/model';
import { readSeal } from '../../db/audit';
import { verifyAudit } from '../../db/audit-verify';
import { openDatabaseToRead } from '../../db/open';
import { loadOrCreateWorkspaceKey, WORKSPACE_KEY_FILE } from '../../workspace/workspace-key';
import type { WorkspaceKey } from '../../workspace/workspace-key';
import { parseArgs, requireOption } from './args';
import { printJson } from './output';

const USAGE = 'usage: concord audit verify --workspace <dir> [--json]';

export function runAudit(argv: string[]): number {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') throw new InputError(undefined, USAGE);
  const args = parseArgs(rest, { values: ['workspace'], flags: ['json'] });
  if (args.positionals.length > 0) throw new InputError(undefined, USAGE);
  const dir = path.resolve(requireOption(args, 'workspace', 'audit verify'));
  const dbFile = path.join(dir, 'concord.db');
  if (!fs.existsSync(dbFile)) throw new InputError(dir, 'not a Concord workspace (no concord.db)');
  const keyFile = path.join(dir, WORKSPACE_KEY_FILE);
  const { db } = openDatabaseToRead(dbFile);
  let v: AuditVerification;
  let note: string | null = null;
  try {
    if (readSeal(db) === undefined) {
      // Written by a Concord before the keyed trail: the hash chain only, until this version opens it.
      v = verifyAudit(db);
      note =
        'written by an older Concord: the hash chain is checked; opening the workspace keys and seals it';
    } else {
      v = verifyAudit(db, { key: readKey(keyFile), keyFile });
    }
  } finally {
    db.close();
  }
  if (args.options.has('json')) printJson({ workspace: dir, ...v, ...(note ? { note } : {}) });
  else process.stdout.write(`${auditVerdictLine(v)}${note ? ` (${note})` : ''}\n`);
  if (!v.intact) {
    if (args.options.has('json')) process.stderr.write(`concord: ${auditVerdictLine(v)}\n`);
    return 2;
  }
  return 0;
}

/** The key file's key; null when there is none (never made here: a check changes nothing). */
function readKey(file: string): WorkspaceKey | null {
  if (!fs.existsSync(file)) return null;
  try {
    return loadOrCreateWorkspaceKey(path.dirname(file));
  } catch (e) {
    throw new InputError(file, `the workspace key cannot be read (${(e as Error).message})`);
  }
}
