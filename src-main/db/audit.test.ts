import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/tmp';
import { appendAudit, GENESIS_HASH, listAudit, verifyAudit } from './audit';
import { openDatabase } from './open';

describe('audit log', () => {
  it('chains each row to the previous one and verifies intact', () => {
    const db = openDatabase(path.join(tempDir(), 'a.db'));
    const a = db.transaction(() => appendAudit(db, { actor: 'ann', action: 'x', detail: { b: 2, a: 1 } }))();
    const b = db.transaction(() => appendAudit(db, { actor: 'bob', action: 'y', detail: {} }))();
    expect(a.prevHash).toBe(GENESIS_HASH);
    expect(b.prevHash).toBe(a.hash);
    expect(verifyAudit(db)).toMatchObject({ intact: true, rows: 2, firstBadId: null, sealed: false });
    expect(listAudit(db).map((r) => r.action)).toEqual(['y', 'x']);
    db.close();
  });

  it('detects a row edited behind the triggers', () => {
    const file = path.join(tempDir(), 'b.db');
    const db = openDatabase(file);
    for (let i = 0; i < 3; i++)
      db.transaction(() => appendAudit(db, { actor: 'ann', action: `a${i}`, detail: { i } }))();
    db.close();
    // A tamperer with raw SQLite access drops the trigger and rewrites history.
    const raw = new Database(file);
    raw.exec('DROP TRIGGER audit_no_update');
    raw.prepare("UPDATE audit_log SET actor = 'mallory' WHERE id = 2").run();
    raw.close();
    const again = openDatabase(file);
    expect(verifyAudit(again)).toMatchObject({ intact: false, rows: 2, firstBadId: 2, problem: 'edited' });
    again.close();
  });

  it('commits the audit row with the change, or neither', () => {
    const db = openDatabase(path.join(tempDir(), 'c.db'));
    expect(() =>
      db.transaction(() => {
        db.prepare("INSERT INTO projects (name, created_at) VALUES ('p', 't')").run();
        appendAudit(db, { actor: 'ann', action: 'project.create', detail: {} });
        throw new Error('crash before commit');
      })(),
    ).toThrow('crash before commit');
    expect(db.prepare('SELECT count(*) AS n FROM projects').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 0 });
    db.close();
  });
});
