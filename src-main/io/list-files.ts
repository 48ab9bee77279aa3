// Listing the files under the paths a user named: folders are walked recursively, in name order, so that
// every reader sees files in the same, reproducible order.
import fs from 'node:fs/promises';
import path from 'node:path';
import { CancelledError, InputError } from '../core/errors';

/** Every regular file under `dir`, recursively, in name order. */
export async function walkFolder(dir: string, signal?: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  await walk(dir, out, signal);
  return out;
}

async function walk(dir: string, out: string[], signal?: AbortSignal): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (signal?.aborted) throw new CancelledError('reading folders');
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await walk(p, out, signal);
    else if (e.isFile()) out.push(p);
  }
}

/** Files named, and files found (recursively) in folders named; duplicates removed, order kept. */
export async function listFiles(paths: string[], signal?: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await fs.stat(p);
    } catch {
      throw new InputError(p, 'no such file or folder');
    }
    if (st.isDirectory()) await walk(p, out, signal);
    else out.push(p);
  }
  return [...new Set(out)];
}
