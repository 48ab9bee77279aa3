// Migration 007 on a schema-5 workspace with profiles and audit rows: every profile gets a distinct UUID
// that never changes; the old rows are keyed and the head sealed in the migration's transaction when the
// workspace opens with its key, so it verifies sealed, and tampering from then on is caught.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { appendAudit, listAudit } from '../audit';
import { verifyAudit } from '../audit-verify';
import { openDatabase } from '../open';
import { findAnnotatorByName, insertAnnotator, listAnnotators } from '../repositories/annotators';
import { schema4Workspace } from '../test-support/schema4';
import { MIGRATIONS } from './index';
import { migration007 } from './007-audit-keys';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A schema-5 workspace: the schema-4 one, migrated, with a second profile and three audit rows. */
async function schema5Workspace(dir: string): Promise<void> {
  await schema4Workspace(dir);
  const old = openDatabase(path.join(dir, 'concord.db'), { migrations: MIGRATIONS.slice(0, 5) });
  expect(old.pragma('user_version', { simple: true })).toBe(5);
  old.exec("INSERT INTO annotators (name, role, created_at) VALUES ('Bob', 'reviewer', 't')");
  for (let i = 1; i <= 3; i++)
    old.transaction(() => appendAudit(old, { actor: 'Ann', action: `old${i}`, detail: { i } }))();
  old.close();
}

describe('migration 007 (profile uids, keyed audit)', () => {
  it('gives every profile a UUID and keys and seals the existing audit rows', async () => {
    const dir = tempDir();
    expect(MIGRATIONS.indexOf(migration007)).toBe(migration007.version - 1);
    await schema5Workspace(dir);
    const before = new Database(path.join(dir, 'concord.db'), { readonly: true });
    const oldRows = before.prepare('SELECT id, hash FROM audit_log ORDER BY id').all();
    before.close();

    const ws = openWorkspace(dir);
    try {
      expect(ws.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const profiles = listAnnotators(ws.db);
      expect(profiles.map((p) => p.name)).toEqual(['Ann', 'Bob']);
      for (const p of profiles) expect(p.uid).toMatch(UUID);
      expect(profiles[0]!.uid).not.toBe(profiles[1]!.uid);
      // A new profile gets one; one from another machine keeps its own; none ever changes.
      const carol = insertAnnotator(ws.db, { name: 'Carol', role: 'annotator', passwordHash: null }, 't');
      expect(listAnnotators(ws.db).find((p) => p.id === carol)!.uid).toMatch(UUID);
      const uid = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';
      insertAnnotator(ws.db, { name: 'Dan', role: 'annotator', passwordHash: null, uid }, 't');
      expect(findAnnotatorByName(ws.db, 'Dan')!.uid).toBe(uid);
      expect(() => ws.db.prepare("UPDATE annotators SET uid = ? WHERE name = 'Ann'").run(uid)).toThrow(
        /keeps its uid/,
      );
      ws.db.prepare("UPDATE annotators SET password_hash = 'x' WHERE name = 'Ann'").run();

      // The old rows are kept as they were, now with a MAC, and the head is sealed over them.
      expect(ws.db.prepare('SELECT id, hash FROM audit_log ORDER BY id').all()).toEqual(oldRows);
      expect(ws.db.prepare('SELECT count(*) AS n FROM audit_log WHERE mac IS NULL').get()).toEqual({ n: 0 });
      expect(verifyAudit(ws.db)).toMatchObject({
        intact: true,
        rows: 3,
        sealed: true,
        workspaceId: ws.key.id,
      });
      ws.db.transaction(() => appendAudit(ws.db, { actor: 'Ann', action: 'new', detail: {} }))();
      expect(verifyAudit(ws.db)).toMatchObject({ intact: true, rows: 4, sealed: true });
      expect(listAudit(ws.db, 1)[0]!.prevHash).toBe((oldRows.at(-1) as { hash: string }).hash);
      // Only a missing MAC may be filled in; nothing else of a row changes.
      expect(() => ws.db.prepare("UPDATE audit_log SET mac = 'x' WHERE id = 1").run()).toThrow(/append-only/);
      expect(() => ws.db.prepare("UPDATE audit_log SET actor = 'x' WHERE id = 1").run()).toThrow(
        /append-only/,
      );
      expect(() => ws.db.prepare('DELETE FROM audit_seal').run()).toThrow(/never deleted/);
      expect(() => ws.db.prepare("UPDATE audit_seal SET workspace_id = 'x'").run()).toThrow(/keeps the key/);
      expect(ws.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      ws.close();
    }
  });

  it('leaves a bare database unsealed until a workspace key opens it (migration in its transaction)', () => {
    const file = path.join(tempDir(), 'concord.db');
    const db = openDatabase(file);
    expect(db.prepare('SELECT workspace_id, signature, row_count FROM audit_seal').get()).toEqual({
      workspace_id: null,
      signature: null,
      row_count: 0,
    });
    db.transaction(() => appendAudit(db, { actor: 'a', action: 'b', detail: {} }))();
    expect(verifyAudit(db)).toMatchObject({ intact: true, sealed: false, rows: 1 });
    db.close();
  });
});
