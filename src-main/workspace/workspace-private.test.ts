// A workspace is private to its owner and cleans up after killed writers: new folders 0700 and files 0600
// (the database's WAL too), a warning for one other users can read, partial files of killed saves removed
// at open when no other process holds the workspace (kept while one does), and a holder per process.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/tmp';
import { otherHolders } from './holders';
import { openWorkspace } from './workspace';

const mode = (f: string) => fs.statSync(f).mode & 0o777;

describe('workspace privacy and leftovers', () => {
  it('creates its folders 0700 and its files 0600, and warns when others can read it', async () => {
    const dir = path.join(tempDir(), 'ws');
    const ws = openWorkspace(dir);
    try {
      expect(ws.warnings).toEqual([]);
      ws.db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
      const blob = await ws.blobs.put(new Uint8Array([1, 2, 3]));
      expect(mode(dir)).toBe(0o700);
      for (const f of ['blobs', 'tmp', 'holders']) expect(mode(path.join(dir, f)), f).toBe(0o700);
      expect(mode(path.dirname(ws.blobs.pathOf(blob.sha256)))).toBe(0o700);
      expect(mode(ws.blobs.pathOf(blob.sha256))).toBe(0o600);
      for (const f of ['concord.db', 'concord.db-wal', 'concord.db-shm'])
        expect(mode(path.join(dir, f)), f).toBe(0o600);
    } finally {
      ws.close();
    }
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(dir, 'concord.db'), 0o644);
    const again = openWorkspace(dir);
    again.close();
    expect(again.warnings).toHaveLength(1);
    expect(again.warnings[0]).toMatch(
      /can be read by other users .*ws 755, concord\.db 644.*chmod -R go-rwx/,
    );
  });

  it('removes partial files of killed saves at open when alone, keeps them while another process holds it', async () => {
    const dir = path.join(tempDir(), 'ws');
    openWorkspace(dir).close();
    const part = path.join(dir, 'tmp', 'abc.part');
    fs.writeFileSync(part, 'half a blob');
    // Another live process holds the workspace: its save may still finish that file.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(
        path.join(dir, 'holders', String(other.pid)),
        JSON.stringify({ pid: other.pid, startedAt: '', what: 'web host' }),
      );
      const shared = openWorkspace(dir);
      expect(otherHolders(dir).map((h) => h.what)).toEqual(['web host']);
      shared.close();
      expect(fs.existsSync(part)).toBe(true);
    } finally {
      other.kill('SIGKILL');
      await new Promise((r) => other.once('exit', r));
    }
    // Its holder is now stale (the process is gone): this open is alone and removes the leftover.
    const alone = openWorkspace(dir);
    alone.close();
    expect(fs.existsSync(part)).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'holders'))).toEqual([]);
  });
});
