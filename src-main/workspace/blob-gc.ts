// Collects blob files no database row refers to. A save writes its blob first and records the row after
// (DESIGN.md §2), so a process killed in between leaves a complete, unreferenced file under blobs/; these
// accumulate and nothing else ever removes them.
//
// Safe by construction:
//  * Referenced = listed in the `blobs` table, or its sha256 written anywhere in any text column of any
//    table (revisions, volumes, and whatever tables later features add, JSON included). Conservative: a
//    hash that merely appears somewhere keeps its file.
//  * Only files older than a grace period (default one hour) go. A running write creates its file in tmp/
//    and renames it into place with a fresh mtime; a write whose bytes already exist touches the existing
//    file (BlobStore.put), so a file about to be referenced is always young.
//  * The scan and the deletions run inside one IMMEDIATE transaction: no other connection can commit a
//    row (referencing a blob) between the reference scan and the unlink, and in this process nothing
//    interleaves (the whole collection is synchronous).
//  * One audit row lists what was removed (sha256 and bytes), in the same transaction.
// Files under blobs/ that are not named like a blob are left alone.
import fs from 'node:fs';
import path from 'node:path';
import { appendAudit } from '../db/audit';
import type { Workspace } from './workspace';

export const DEFAULT_GRACE_MS = 60 * 60 * 1000;

export interface BlobCollection {
  /** Blob files found under blobs/. */
  scanned: number;
  /** Of those, referenced by the database (kept). */
  referenced: number;
  /** Unreferenced but younger than the grace period (kept: a write may be about to record them). */
  young: number;
  removed: { sha256: string; bytes: number }[];
  removedBytes: number;
  /** Partial files in tmp/ (`.part`: blobs whose writer never finished), and of those, older than the grace
   *  (removed unless a dry run: their writer was killed). */
  partial: { files: number; bytes: number; removable: number; removableBytes: number };
  /** The audit row of the collection, or null when nothing was removed. */
  auditId: number | null;
}

export interface CollectOptions {
  /** Files modified less than this long ago are kept (ms; default one hour). */
  graceMs?: number;
  actor: string;
  /** Lists what would go without removing anything. */
  dryRun?: boolean;
  /** Clock, for tests (ms since the epoch). */
  now?: number;
}

const SHA = /^[0-9a-f]{64}$/;
const SHA_ANYWHERE = /[0-9a-f]{64}/g;

/** Every sha256-shaped string in the database: the blobs table and every text value of every table. */
export function referencedHashes(ws: Workspace): Set<string> {
  const db = ws.db;
  const refs = new Set<string>();
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  for (const table of tables) {
    const columns = (
      db.prepare(`PRAGMA table_info("${table.replace(/"/g, '""')}")`).all() as { name: string }[]
    ).map((c) => c.name);
    for (const column of columns) {
      const col = `"${column.replace(/"/g, '""')}"`;
      const values = db
        .prepare(
          `SELECT ${col} FROM "${table.replace(/"/g, '""')}" WHERE typeof(${col}) = 'text' AND length(${col}) >= 64`,
        )
        .pluck()
        .iterate() as IterableIterator<string>;
      for (const v of values) for (const m of v.matchAll(SHA_ANYWHERE)) refs.add(m[0]);
    }
  }
  return refs;
}

/** The blob files under blobs/<2 hex>/<sha256>. */
function blobFiles(dir: string): { sha256: string; file: string }[] {
  const out: { sha256: string; file: string }[] = [];
  for (const prefix of fs.readdirSync(dir)) {
    if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
    const sub = path.join(dir, prefix);
    if (!fs.statSync(sub).isDirectory()) continue;
    for (const name of fs.readdirSync(sub)) {
      if (SHA.test(name) && name.startsWith(prefix)) out.push({ sha256: name, file: path.join(sub, name) });
    }
  }
  return out;
}

/** Counts the `.part` files of tmp/; removes those older than the grace unless `dryRun`. */
function partialFiles(
  tmpDir: string,
  now: number,
  graceMs: number,
  dryRun: boolean,
): BlobCollection['partial'] {
  const out = { files: 0, bytes: 0, removable: 0, removableBytes: 0 };
  let names: string[];
  try {
    names = fs.readdirSync(tmpDir);
  } catch {
    return out;
  }
  for (const name of names) {
    if (!name.endsWith('.part')) continue;
    const file = path.join(tmpDir, name);
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      continue;
    }
    if (!st.isFile()) continue;
    out.files++;
    out.bytes += st.size;
    if (now - st.mtimeMs < graceMs) continue;
    out.removable++;
    out.removableBytes += st.size;
    if (!dryRun) fs.rmSync(file, { force: true });
  }
  return out;
}

export function collectBlobGarbage(ws: Workspace, opts: CollectOptions): BlobCollection {
  const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
  if (!(Number.isFinite(graceMs) && graceMs >= 0)) throw new Error(`grace must be >= 0 ms, not ${graceMs}`);
  const db = ws.db;
  return db
    .transaction((): BlobCollection => {
      const now = opts.now ?? Date.now();
      const files = blobFiles(ws.blobs.dir);
      const refs = referencedHashes(ws);
      const result: BlobCollection = {
        scanned: files.length,
        referenced: 0,
        young: 0,
        removed: [],
        removedBytes: 0,
        partial: partialFiles(ws.tmpDir, now, graceMs, opts.dryRun ?? false),
        auditId: null,
      };
      for (const { sha256, file } of files) {
        if (refs.has(sha256)) {
          result.referenced++;
          continue;
        }
        let st: fs.Stats;
        try {
          st = fs.statSync(file);
        } catch {
          continue; // gone meanwhile
        }
        if (now - st.mtimeMs < graceMs) {
          result.young++;
          continue;
        }
        if (!opts.dryRun) fs.rmSync(file, { force: true });
        result.removed.push({ sha256, bytes: st.size });
        result.removedBytes += st.size;
      }
      if (!opts.dryRun && result.removed.length > 0) {
        result.auditId = appendAudit(db, {
          actor: opts.actor,
          action: 'blob.collect',
          detail: {
            removed: result.removed.length,
            bytes: result.removedBytes,
            graceMs,
            // At most 1000 hashes in the row; the count above is complete.
            sha256: result.removed.slice(0, 1000).map((r) => r.sha256),
          },
        }).id;
      }
      return result;
    })
    .immediate();
}
