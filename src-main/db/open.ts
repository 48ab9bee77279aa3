// Opens (creating if needed) a workspace database and brings its schema up to date.
//
// Durability settings (DESIGN.md §2): WAL journal, synchronous=FULL (a committed transaction survives a
// power cut), foreign keys enforced. Migrations are applied in order, each in one transaction together
// with its PRAGMA user_version bump, so a crash mid-migration leaves the previous version intact.
// A database whose user_version is newer than this build knows is refused, never "fixed".
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { InputError } from '../core/errors';
import { MIGRATIONS } from './migrations/index';
import type { Migration } from './migrations/types';
import type { WorkspaceKey } from '../workspace/workspace-key';

export type Db = Database.Database;

export function migrationChecksum(m: Migration): string {
  return createHash('sha256').update(`${m.version}\n${m.name}\n${m.sql}`).digest('hex');
}

export interface OpenOptions {
  /** For tests: a different migration list. */
  migrations?: readonly Migration[];
  /**
   * The better-sqlite3 addon to load (a path to a .node file), where the default one does not fit: the
   * Electron host passes the build made for Electron's Node (host/electron/sqlite-binding.ts).
   */
  nativeBinding?: string;
  /** The workspace's key, for migrations that key existing rows (migration 007: the audit trail). */
  workspaceKey?: WorkspaceKey;
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  let db: Db;
  try {
    db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  } catch (e) {
    throw new InputError(file, `cannot open the workspace database (${(e as Error).message})`);
  }
  try {
    // The first statement reads the header: a file that is not SQLite fails here.
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > migrations.length) {
      throw new InputError(
        file,
        `this workspace was written by a newer version of Concord (schema ${version}; this version knows up to ${migrations.length}). Nothing was changed; open it with a newer Concord.`,
      );
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    immediateTransactions(db);
    migrate(db, file, migrations, version, options.workspaceKey);
    return db;
  } catch (e) {
    db.close();
    if (e instanceof InputError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new InputError(file, 'not a Concord workspace database (the file is not SQLite or is corrupt)');
    }
    throw e;
  }
}

/** How long a write waits for another program's write lock (SQLite retries with growing sleeps) before it
 *  gives up with SQLITE_BUSY, which the services answer as a retryable 'busy'. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Every `db.transaction(fn)()` begins IMMEDIATE: it takes the write lock first, waiting for it under the
 * busy timeout, then reads. A DEFERRED transaction reads first and upgrades to a writer at its first write;
 * when another process (the CLI, a second host) wrote in between, SQLite cannot upgrade the stale snapshot
 * and fails at once with "database is locked", whatever the busy timeout. Concord's transactions are short
 * and nearly all write, so taking the lock up front costs nothing; `.deferred()` stays for a read-only one.
 */
function immediateTransactions(db: Db): void {
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const t = transaction(fn);
    return Object.assign((...args: unknown[]) => t.immediate(...args), {
      default: t.immediate,
      deferred: t.deferred,
      immediate: t.immediate,
      exclusive: t.exclusive,
    });
  }) as unknown as Db['transaction'];
}

function migrate(
  db: Db,
  file: string,
  migrations: readonly Migration[],
  current: number,
  workspaceKey: WorkspaceKey | undefined,
): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  // Migrations are append-only: an applied one whose text changed means this build and the database
  // disagree about the schema, and guessing would corrupt data.
  const applied = db.prepare('SELECT version, checksum FROM schema_migrations ORDER BY version').all() as {
    version: number;
    checksum: string;
  }[];
  for (const row of applied) {
    const m = migrations[row.version - 1];
    if (m && migrationChecksum(m) !== row.checksum) {
      throw new InputError(
        file,
        `schema migration ${row.version} differs from the one applied to this workspace`,
      );
    }
  }
  for (const m of migrations) {
    if (m.version !== migrations.indexOf(m) + 1) throw new Error(`migration ${m.name} is out of order`);
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      m.after?.(db, workspaceKey ? { workspaceKey } : {});
      db.prepare(
        'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
      ).run(m.version, m.name, migrationChecksum(m), new Date().toISOString());
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
