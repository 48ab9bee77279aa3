// Two programs writing one workspace: while another process holds and releases SQLite's write lock in a
// tight loop (as `concord gc` or a second host does), every mask save through the services must succeed:
// write transactions begin IMMEDIATE, so they wait for the lock (busy_timeout) instead of failing with
// "database is locked" when a read snapshot cannot be upgraded.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Result, RevisionInfo } from '../../core/model';
import { fill, labellingFixture } from '../test-support/labelling';

/** A child process that, for `ms` milliseconds, takes the write lock, writes, holds it ~4 ms, commits. */
function lockHog(dbFile: string, ms: number): { done: Promise<number>; ready: Promise<void> } {
  const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const script = `
    const Database = require(${JSON.stringify(betterSqlite)});
    const db = new Database(${JSON.stringify(dbFile)});
    db.pragma('busy_timeout = 5000');
    db.exec('CREATE TABLE IF NOT EXISTS other_writer (x INTEGER)');
    const sleep = (t) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, t);
    const end = Date.now() + ${ms};
    let n = 0;
    process.stdout.write('ready\\n');
    while (Date.now() < end) {
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
      const hog = lockHog(path.join(fx.dir, 'ws', 'concord.db'), 4000);
      await hog.ready;
      let parent: number | null = null;
      const failures: string[] = [];
      const deadline = Date.now() + 3000;
      let saves = 0;
      while (Date.now() < deadline) {
        const r: Result<RevisionInfo> = await w.call('annotation:commit', {
          annotationId: a.id,
          parentRevisionId: parent,
          tool: 'brush',
          patch: fill([0, 2, 0, 2, 0, 1], saves % 2 ? 1 : 0),
        });
        saves++;
        if (r.ok) parent = r.value.id;
        else failures.push(`${r.error.code}: ${r.error.message}`);
      }
      const otherWrites = await hog.done;
      expect(otherWrites).toBeGreaterThan(50);
      expect(saves).toBeGreaterThan(10);
      expect(failures).toEqual([]);
    } finally {
      fx.close();
    }
  });
});
