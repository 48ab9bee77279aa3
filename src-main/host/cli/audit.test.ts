// `concord audit verify`: a fresh workspace is intact (exit 0); rows removed at the end, a row rewritten with
// its later hashes recomputed, and a missing key file each exit 2 with one line naming what is wrong; the
// check changes nothing (no key file made, the database untouched). One run is a real CLI process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { appendAudit } from '../../db/audit';
import { auditRowHash } from '../../db/audit-rows';
import { REPO_ROOT, tempDir } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { WORKSPACE_KEY_FILE } from '../../workspace/workspace-key';
import { cli } from './test-support';

function workspaceWithRows(n: number): string {
  const dir = tempDir();
  const ws = openWorkspace(dir);
  for (let i = 1; i <= n; i++)
    ws.db.transaction(() => appendAudit(ws.db, { actor: 'ann', action: `act${i}`, detail: { i } }))();
  ws.close();
  return dir;
}

function rawDb(dir: string): Database.Database {
  const raw = new Database(path.join(dir, 'concord.db'));
  raw.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete');
  return raw;
}

describe('concord audit verify', () => {
  it('a real process: exit 0 and the verdict as JSON on a fresh workspace; exit 2 with rows removed at the end', () => {
    const dir = workspaceWithRows(4);
    const run = () =>
      spawnSync(
        process.execPath,
        [
          path.join(REPO_ROOT, 'node_modules', 'vite-node', 'vite-node.mjs'),
          '--config',
          path.join(REPO_ROOT, 'vitest.config.ts'),
          path.join(REPO_ROOT, 'src-main', 'host', 'cli', 'main.ts'),
          '--',
          'audit',
          'verify',
          '--workspace',
          dir,
          '--json',
        ],
        { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' },
      );
    const ok = run();
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ workspace: dir, intact: true, rows: 4, sealed: true });
    const raw = rawDb(dir);
    raw.prepare('DELETE FROM audit_log WHERE id > 2').run();
    raw.close();
    const broken = run();
    expect(broken.status).toBe(2);
    expect(JSON.parse(broken.stdout)).toMatchObject({ intact: false, problem: 'seal-mismatch', rows: 2 });
    expect(broken.stderr.trim().split('\n').at(-1)).toBe(
      'concord: Audit trail broken: the seal counts 4 rows but the log holds 2: the last 2 row(s) were removed',
    );
  }, 240_000);

  it('names a row rewritten with recomputed hashes, and a missing key file, changing nothing', async () => {
    const dir = workspaceWithRows(3);
    expect(await cli('audit', 'verify', '--workspace', dir)).toEqual({
      code: 0,
      stdout: 'Audit trail intact (3 rows, sealed)\n',
      stderr: '',
    });
    const raw = rawDb(dir);
    raw.prepare('UPDATE audit_log SET detail_json = \'{"i":7}\' WHERE id = 2').run();
    let prev = (raw.prepare('SELECT hash FROM audit_log WHERE id = 1').get() as { hash: string }).hash;
    for (const r of raw.prepare('SELECT * FROM audit_log WHERE id >= 2 ORDER BY id').all() as {
      id: number;
      at: string;
      actor: string;
      action: string;
      detail_json: string;
    }[]) {
      const hash = auditRowHash(prev, r.at, r.actor, r.action, r.detail_json);
      raw.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, hash, r.id);
      prev = hash;
    }
    raw.close();
    const before = fs.readFileSync(path.join(dir, 'concord.db'));
    const edited = await cli('audit', 'verify', '--workspace', dir);
    expect(edited.code).toBe(2);
    expect(edited.stdout).toBe(
      'Audit trail broken at row 2: row 2 (act2) does not match its MAC: it was rewritten (hashes recomputed) without the workspace key\n',
    );

    const keyFile = path.join(dir, WORKSPACE_KEY_FILE);
    fs.rmSync(keyFile);
    const missing = await cli('audit', 'verify', '--workspace', dir, '--json');
    expect(missing.code).toBe(2);
    // Without the key the MACs cannot be read, but the seal's signature still shows the end was rewritten.
    expect(JSON.parse(missing.stdout)).toMatchObject({ intact: false, problem: 'seal-mismatch' });
    expect(fs.existsSync(keyFile)).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'concord.db')).equals(before)).toBe(true);

    const fresh = workspaceWithRows(1);
    fs.rmSync(path.join(fresh, WORKSPACE_KEY_FILE));
    const gone = await cli('audit', 'verify', '--workspace', fresh);
    expect(gone).toMatchObject({ code: 2 });
    expect(gone.stdout).toBe(
      `Audit trail broken: ${path.join(fresh, WORKSPACE_KEY_FILE)} is missing: the chain and the seal hold, but the rows' MACs cannot be checked; restore the key file from a backup\n`,
    );
    expect(await cli('audit', 'verify', '--workspace', tempDir())).toMatchObject({ code: 2 });
    expect(await cli('audit', 'check')).toMatchObject({ code: 2 });
  });
});
