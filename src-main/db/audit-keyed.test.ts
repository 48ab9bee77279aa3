// The keyed audit trail of a workspace (audit.ts, audit-verify.ts): tampering that the plain hash chain
// let through is caught, each with its own verdict; the key file is checked; a bare handle cannot append
// unkeyed rows to a sealed trail.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/tmp';
import { openWorkspace } from '../workspace/workspace';
import type { Workspace } from '../workspace/workspace';
import { loadOrCreateWorkspaceKey, WORKSPACE_KEY_FILE } from '../workspace/workspace-key';
import { appendAudit, listAudit } from './audit';
import { auditRowHash } from './audit-rows';
import { verifyAudit, verifyAuditInSlices } from './audit-verify';
import { openDatabase } from './open';

function workspaceWithRows(n: number): { dir: string; ws: Workspace } {
  const dir = tempDir();
  const ws = openWorkspace(dir);
  for (let i = 1; i <= n; i++)
    ws.db.transaction(() => appendAudit(ws.db, { actor: 'ann', action: `act${i}`, detail: { i } }))();
  return { dir, ws };
}

/** Raw SQLite access, as someone holding only the database file has it: triggers dropped first. */
function tamper(dir: string, fn: (raw: Database.Database) => void): void {
  const raw = new Database(path.join(dir, 'concord.db'));
  raw.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete');
  fn(raw);
  raw.close();
}

/** Edits row `id`'s actor and recomputes its hash and every later row's, as a careful tamperer would. */
function editAndRechain(raw: Database.Database, id: number): void {
  raw.prepare("UPDATE audit_log SET actor = 'mallory' WHERE id = ?").run(id);
  const rows = raw.prepare('SELECT * FROM audit_log WHERE id >= ? ORDER BY id').all(id) as {
    id: number;
    at: string;
    actor: string;
    action: string;
    detail_json: string;
    prev_hash: string;
  }[];
  let prev = (raw.prepare('SELECT hash FROM audit_log WHERE id = ?').get(id - 1) as { hash: string }).hash;
  for (const r of rows) {
    const hash = auditRowHash(prev, r.at, r.actor, r.action, r.detail_json);
    raw.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?').run(prev, hash, r.id);
    prev = hash;
  }
  // The seal names the last hash: the tamperer sets that too (they cannot re-sign it).
  raw.prepare('UPDATE audit_seal SET last_hash = ?').run(prev);
}

describe('keyed audit trail', () => {
  it('a fresh workspace verifies, sealed, and every row has a MAC', async () => {
    const { ws } = workspaceWithRows(3);
    const v = verifyAudit(ws.db);
    expect(v).toEqual({
      intact: true,
      rows: 3,
      firstBadId: null,
      sealed: true,
      problem: null,
      message: null,
      workspaceId: ws.key.id,
    });
    expect(await verifyAuditInSlices(ws.db, {}, 2)).toEqual(v);
    expect(ws.db.prepare('SELECT count(*) AS n FROM audit_log WHERE mac IS NULL').get()).toEqual({ n: 0 });
    expect(ws.db.prepare('SELECT row_count, last_hash FROM audit_seal').get()).toEqual({
      row_count: 3,
      last_hash: listAudit(ws.db, 1)[0]!.hash,
    });
    ws.close();
  });

  it('detects one row edited and the later hashes recomputed (the plain chain passes it)', async () => {
    const { dir, ws } = workspaceWithRows(5);
    ws.close();
    tamper(dir, (raw) => editAndRechain(raw, 2));
    const again = openWorkspace(dir);
    // Even without the key file the seal's signature (over the old last hash) gives it away.
    expect(verifyAudit(again.db, { key: null }).problem).toBe('bad-seal');
    const v = verifyAudit(again.db);
    expect(v).toMatchObject({ intact: false, firstBadId: 2, problem: 'bad-mac', rows: 2 });
    expect(v.message).toMatch(/^row 2 \(act2\) does not match its MAC: it was rewritten/);
    expect(await verifyAuditInSlices(again.db, {}, 2)).toEqual(v);
    again.close();
  });

  it('detects an edit without recomputing, and a row removed from the middle', () => {
    const { dir, ws } = workspaceWithRows(4);
    ws.close();
    tamper(dir, (raw) => raw.prepare('UPDATE audit_log SET detail_json = \'{"i":9}\' WHERE id = 3').run());
    let again = openWorkspace(dir);
    expect(verifyAudit(again.db)).toMatchObject({ firstBadId: 3, problem: 'edited' });
    again.close();
    const { dir: dir2, ws: ws2 } = workspaceWithRows(4);
    ws2.close();
    tamper(dir2, (raw) => raw.prepare('DELETE FROM audit_log WHERE id = 2').run());
    again = openWorkspace(dir2);
    expect(verifyAudit(again.db)).toMatchObject({ firstBadId: 3, problem: 'broken-chain' });
    again.close();
  });

  it('detects the last rows deleted, and a seal rewritten', () => {
    const { dir, ws } = workspaceWithRows(5);
    ws.close();
    tamper(dir, (raw) => raw.prepare('DELETE FROM audit_log WHERE id > 3').run());
    let again = openWorkspace(dir);
    const v = verifyAudit(again.db);
    expect(v).toMatchObject({ intact: false, rows: 3, firstBadId: null, problem: 'seal-mismatch' });
    expect(v.message).toBe('the seal counts 5 rows but the log holds 3: the last 2 row(s) were removed');
    again.close();
    // Bringing the seal's count and hash along does not help: its signature no longer verifies.
    tamper(dir, (raw) => {
      raw.exec('DROP TRIGGER audit_seal_identity');
      const last = raw.prepare('SELECT hash FROM audit_log WHERE id = 3').get() as { hash: string };
      raw.prepare('UPDATE audit_seal SET row_count = 3, last_hash = ?').run(last.hash);
    });
    again = openWorkspace(dir);
    expect(verifyAudit(again.db)).toMatchObject({ intact: false, problem: 'bad-seal' });
    again.close();
  });

  it('detects a key file removed or replaced, and refuses to write with a foreign key', () => {
    const { dir, ws } = workspaceWithRows(2);
    const sealedBy = ws.key.id;
    ws.close();
    const keyFile = path.join(dir, WORKSPACE_KEY_FILE);
    const original = fs.readFileSync(keyFile);
    fs.rmSync(keyFile);
    // The CLI's read: no key file, no key made.
    const db = openDatabase(path.join(dir, 'concord.db'));
    expect(verifyAudit(db, { key: null, keyFile })).toMatchObject({
      intact: false,
      problem: 'missing-key',
      message: `${keyFile} is missing: the chain and the seal hold, but the rows' MACs cannot be checked; restore the key file from a backup`,
    });
    // Another key: every row would fail; the verdict names the key.
    const other = loadOrCreateWorkspaceKey(tempDir());
    expect(verifyAudit(db, { key: other })).toMatchObject({
      intact: false,
      problem: 'foreign-key',
      firstBadId: null,
      rows: 2,
    });
    expect(verifyAudit(db, { key: other }).message).toContain(`sealed by workspace ${sealedBy}`);
    // A bare handle cannot append to a sealed trail, neither through appendAudit nor by plain SQL.
    expect(() => appendAudit(db, { actor: 'x', action: 'y', detail: {} })).toThrow(/sealed with its key/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO audit_log (at, actor, action, detail_json, prev_hash, hash) VALUES ('t','x','y','{}','p','h')",
        )
        .run(),
    ).toThrow(/needs its MAC/);
    db.close();
    // Opened as a workspace, a new key is made; the trail says so and nothing can be written.
    const reopened = openWorkspace(dir);
    expect(verifyAudit(reopened.db)).toMatchObject({ intact: false, problem: 'foreign-key' });
    expect(() =>
      reopened.db.transaction(() => appendAudit(reopened.db, { actor: 'x', action: 'y', detail: {} }))(),
    ).toThrow(
      /cannot be written: workspace.key is not the key that sealed .*made now because workspace.key was missing/,
    );
    reopened.close();
    // The original key restored: intact again, and writable.
    fs.writeFileSync(keyFile, original, { mode: 0o600 });
    const restored = openWorkspace(dir);
    restored.db.transaction(() => appendAudit(restored.db, { actor: 'x', action: 'y', detail: {} }))();
    expect(verifyAudit(restored.db)).toMatchObject({ intact: true, rows: 3, sealed: true });
    restored.close();
  });

  it('detects the seal removed or reset to unsigned', () => {
    const { dir, ws } = workspaceWithRows(2);
    ws.close();
    tamper(dir, (raw) =>
      raw.exec(
        'DROP TRIGGER audit_seal_identity; UPDATE audit_seal SET signature = NULL, workspace_id = NULL',
      ),
    );
    const again = openWorkspace(dir);
    expect(verifyAudit(again.db)).toMatchObject({ intact: false, problem: 'unsealed' });
    expect(() => appendAudit(again.db, { actor: 'x', action: 'y', detail: {} })).toThrow(/no signed seal/);
    again.close();
  });
});
