// Two programs writing one workspace: while another process holds and releases SQLite's write lock in a
// tight loop (as `concord gc` or a second host does), every mask save through the services must succeed:
// write transactions begin IMMEDIATE, so they wait for the lock (busy_timeout) instead of failing with
// "database is locked" when a read snapshot cannot be upgraded.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Result, RevisionInfo } from '../../core/model';
import { fill, labellingFixture } from '../test-support/labelling';

/**
 * A child process that takes the write lock, writes, holds it ~4 ms, commits, again and again until the file
 * `stopFile` exists (or 120 s pass). It stops on a file, not a clock, so a slow machine still overlaps every
 * save with it; its loop is synchronous, so it cannot listen on a pipe.
 */
function lockHog(dbFile: string, stopFile: string): { done: Promise<number>; ready: Promise<void> } {
  const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const script = `
    const Database = require(${JSON.stringify(betterSqlite)});
    const db = new Database(${JSON.stringify(dbFile)});
    db.pragma('busy_timeout = 5000');
    db.exec('CREATE TABLE IF NOT EXISTS other_writer (x INTEGER)');
    const sleep = (t) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, t);
    const fs = require('node:fs');
    const end = Date.now() + 120000;
    let n = 0;
    process.stdout.write('ready\\n');
    while (Date.now() < end && !fs.existsSync(${JSON.stringify(stopFile)})) {
      db.exec('BEGIN IMMEDIATE');
      db.prepare('INSERT INTO other_writer VALUES (?)').run(n++);
      sleep(4);
      db.exec('COMMIT');
      sleep(1);
    }
    process.stdout.write(String(n) + '\\n');
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('ready\n')) onReady();
  });
  const done = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(Number(out.trim().split('\n').at(-1))) : reject(new Error(`exit ${code}`)),
    );
  });
  return { done, ready };
}

describe('concurrent writers', () => {
  it('mask saves succeed while another process writes the same workspace', async () => {
    const fx = await labellingFixture();
    try {
      const w = await fx.signedIn('Ann', 'annotator');
      const volumeId = fx.volumes[0]!.id;
      const a = await w.ok('annotation:open', { volumeId });
      const dbFile = path.join(fx.dir, 'ws', 'concord.db');
      const stopFile = path.join(fx.dir, 'stop-other-writer');
      const hog = lockHog(dbFile, stopFile);
      await hog.ready;
      // A third, read-only connection counts the other program's rows (reads never wait on the write lock).
      const reader = new Database(dbFile, { readonly: true });
      const otherRows = (): number => {
        const row = reader.prepare('SELECT count(*) AS n FROM other_writer').get() as { n: number };
        return row.n;
      };
      let parent: number | null = null;
      const failures: string[] = [];
      // A fixed number of saves rather than a time window: the count a 2-core machine reaches in a few seconds
      // varies with its load, and what matters is that every save overlapped the other writer.
      const saves = 20;
      const before = otherRows();
      for (let i = 0; i < saves; i++) {
        const r: Result<RevisionInfo> = await w.call('annotation:commit', {
          annotationId: a.id,
          parentRevisionId: parent,
          tool: 'brush',
          patch: fill([0, 2, 0, 2, 0, 1], i % 2 ? 1 : 0),
        });
        if (r.ok) parent = r.value.id;
        else failures.push(`${r.error.code}: ${r.error.message}`);
      }
      const during = otherRows() - before;
      writeFileSync(stopFile, '');
      const otherWrites = await hog.done;
      reader.close();
      // The other program committed between the first save and the last: they really contended for the lock.
      expect(during).toBeGreaterThan(0);
      expect(otherWrites).toBeGreaterThanOrEqual(during);
      expect(failures).toEqual([]);
    } finally {
      fx.close();
    }
  });
});
