// A workspace is one folder: concord.db (SQLite) + blobs/ (content-addressed voxel files) + tmp/ (temp files
// on the same file system, so that renames into blobs/ are atomic). Uploads to the web host land in
// tmp/uploads/<id>/ and are removed after import.
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../db/open';
import type { Db } from '../db/open';
import { BlobStore } from './blob-store';

export interface Workspace {
  dir: string;
  db: Db;
  blobs: BlobStore;
  tmpDir: string;
  close(): void;
}

/** Stale partial files older than this are left from a killed process and can go. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** `nativeBinding`: the better-sqlite3 addon to load instead of the default one (db/open.ts). */
export function openWorkspace(dir: string, options: { nativeBinding?: string } = {}): Workspace {
  const abs = path.resolve(dir);
  fs.mkdirSync(abs, { recursive: true });
  const db = openDatabase(path.join(abs, 'concord.db'), options);
  const tmpDir = path.join(abs, 'tmp');
  const blobs = new BlobStore(path.join(abs, 'blobs'), tmpDir);
  removeStaleTemp(tmpDir);
  let closed = false;
  return {
    dir: abs,
    db,
    blobs,
    tmpDir,
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

function removeStaleTemp(tmpDir: string): void {
  const now = Date.now();
  for (const name of fs.readdirSync(tmpDir)) {
    const file = path.join(tmpDir, name);
    try {
      const st = fs.statSync(file);
      if (now - st.mtimeMs > STALE_TEMP_MS) fs.rmSync(file, { recursive: true, force: true });
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
