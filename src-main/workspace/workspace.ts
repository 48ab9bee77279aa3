// A workspace is one folder: concord.db (SQLite) + blobs/ (content-addressed voxel files) + tmp/ (temp files
// on the same file system, so that renames into blobs/ are atomic) + holders/ (which processes have it
// open, holders.ts) + workspace.key (its Ed25519 key pair, workspace-key.ts). Uploads to the web host
// land in tmp/uploads/<id>/ and are removed after import.
//
// Private to its owner: a new workspace's folders are created 0700 and its files 0600 (the database first,
// so that SQLite gives its WAL and shared-memory files the same mode); opening one that other users of the
// machine can read answers a warning (Workspace.warnings) that the hosts print.
import fs from 'node:fs';
import path from 'node:path';
import { registerAuditKey } from '../db/audit';
import { openDatabase } from '../db/open';
import type { Db } from '../db/open';
import { BlobStore } from './blob-store';
import { holdWorkspace, otherHolders } from './holders';
import { loadOrCreateWorkspaceKey, WORKSPACE_KEY_FILE } from './workspace-key';
import type { WorkspaceKey } from './workspace-key';

export interface Workspace {
  dir: string;
  db: Db;
  blobs: BlobStore;
  tmpDir: string;
  /** The workspace's Ed25519 key pair (workspace-key.ts): signs its bundles and seals its audit trail. */
  key: WorkspaceKey;
  /** One line each: what is wrong with the workspace's set-up (e.g. readable by other users). */
  warnings: string[];
  close(): void;
}

/** Stale partial files older than this are left from a killed process and can go. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * `nativeBinding`: the better-sqlite3 addon to load instead of the default one (db/open.ts). `what` names
 * this process in holders/ (holders.ts).
 */
export function openWorkspace(
  dir: string,
  options: { nativeBinding?: string; what?: string } = {},
): Workspace {
  const abs = path.resolve(dir);
  const created = !fs.existsSync(abs);
  fs.mkdirSync(abs, { recursive: true, mode: 0o700 });
  if (created) fs.chmodSync(abs, 0o700);
  const dbFile = path.join(abs, 'concord.db');
  // Created empty and private before SQLite opens it: SQLite gives -wal and -shm the database file's mode.
  if (!fs.existsSync(dbFile)) fs.closeSync(fs.openSync(dbFile, 'a', 0o600));
  const warnings = permissionWarnings(abs, dbFile);
  // The key first: migration 007 keys an existing audit trail with it in its own transaction.
  const keyCreated = !fs.existsSync(path.join(abs, WORKSPACE_KEY_FILE));
  const key = loadOrCreateWorkspaceKey(abs);
  const db = openDatabase(dbFile, { ...options, workspaceKey: key });
  // From here on appendAudit keys and seals every row written through this handle (db/audit.ts).
  registerAuditKey(db, key, keyCreated);
  const tmpDir = path.join(abs, 'tmp');
  const blobs = new BlobStore(path.join(abs, 'blobs'), tmpDir);
  const release = holdWorkspace(abs, options.what ?? `concord ${process.argv.slice(2, 3).join(' ')}`.trim());
  // Alone with the workspace, no `.part` file can still be completed: its writer is gone.
  removeStaleTemp(tmpDir, otherHolders(abs).length === 0);
  let closed = false;
  return {
    dir: abs,
    db,
    blobs,
    tmpDir,
    key,
    warnings,
    close() {
      if (closed) return;
      closed = true;
      db.close();
      release();
    },
  };
}

/** Warnings for a workspace folder or database that other users of this machine can read or write. */
function permissionWarnings(dir: string, dbFile: string): string[] {
  if (process.platform === 'win32') return [];
  const open = [dir, dbFile].filter((f) => (fs.statSync(f).mode & 0o077) !== 0);
  if (open.length === 0) return [];
  return [
    `the workspace ${dir} can be read by other users of this machine (${open
      .map((f) => `${path.basename(f)} ${(fs.statSync(f).mode & 0o777).toString(8)}`)
      .join(', ')}): make it private with chmod -R go-rwx '${dir}'`,
  ];
}

/** Removes temp files left by killed processes: every `.part` file when `alone`, else those over an hour. */
function removeStaleTemp(tmpDir: string, alone: boolean): void {
  const now = Date.now();
  for (const name of fs.readdirSync(tmpDir)) {
    const file = path.join(tmpDir, name);
    try {
      const st = fs.statSync(file);
      const orphan = alone && st.isFile() && name.endsWith('.part');
      if (orphan || now - st.mtimeMs > STALE_TEMP_MS) fs.rmSync(file, { recursive: true, force: true });
    } catch {
      // raced with another process cleaning up: nothing to do
    }
  }
}

/** The default workspace: $CONCORD_WORKSPACE, else the per-user data folder. */
export function defaultWorkspaceDir(): string {
  if (process.env['CONCORD_WORKSPACE']) return process.env['CONCORD_WORKSPACE'];
  const home = process.env['HOME'] ?? process.env['USERPROFILE'] ?? '.';
  if (process.platform === 'win32' && process.env['APPDATA'])
    return path.join(process.env['APPDATA'], 'Concord', 'workspace');
  if (process.platform === 'darwin')
    return path.join(home, 'Library', 'Application Support', 'Concord', 'workspace');
  return path.join(
    process.env['XDG_DATA_HOME'] ?? path.join(home, '.local', 'share'),
    'concord',
    'workspace',
  );
}
