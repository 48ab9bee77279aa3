// Listing the files under the paths a user named: folders are walked recursively, in name order, so that
// every reader sees files in the same, reproducible order. Only regular files are listed: a FIFO, socket or
// device found in a folder is skipped with the reason (reading one would block or never end), and so is a
// symbolic link to a folder (not followed: no cycles) or to nothing; a link to a regular file is followed.
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CancelledError, InputError } from '../core/errors';
import { nonRegularReason } from './regular-file';

/** A path found in a folder and not listed, with the reason. */
export interface SkippedEntry {
  path: string;
  reason: string;
}

export interface Listing {
  files: string[];
  skipped: SkippedEntry[];
}

/** Every regular file under `dir`, recursively, in name order; other entries in `skipped`. */
export async function walkFolder(dir: string, signal?: AbortSignal): Promise<Listing> {
  const out: Listing = { files: [], skipped: [] };
  await walk(dir, out, signal);
  return out;
}

async function walk(dir: string, out: Listing, signal?: AbortSignal): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (signal?.aborted) throw new CancelledError('reading folders');
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await walk(p, out, signal);
    else if (e.isFile()) out.files.push(p);
    else if (e.isSymbolicLink()) {
      let target: Stats;
      try {
        target = await fs.stat(p);
      } catch {
        out.skipped.push({ path: p, reason: 'a symbolic link to nothing (its target does not exist)' });
        continue;
      }
      if (target.isFile()) out.files.push(p);
      else if (target.isDirectory())
        out.skipped.push({ path: p, reason: 'a symbolic link to a folder (not followed)' });
      else out.skipped.push({ path: p, reason: nonRegularReason(target) });
    } else {
      out.skipped.push({ path: p, reason: nonRegularReason(e) });
    }
  }
}

/**
 * Files named, and files found (recursively) in folders named; duplicates removed, order kept. A path named
 * that does not exist, or is neither a folder nor a regular file, is an InputError.
 */
export async function listFiles(paths: string[], signal?: AbortSignal): Promise<Listing> {
  const out: Listing = { files: [], skipped: [] };
  for (const p of paths) {
    let st;
    try {
      st = await fs.stat(p);
    } catch {
      throw new InputError(p, 'no such file or folder');
    }
    if (st.isDirectory()) await walk(p, out, signal);
    else if (st.isFile()) out.files.push(p);
    else throw new InputError(p, nonRegularReason(st));
  }
  return { files: [...new Set(out.files)], skipped: out.skipped };
}
