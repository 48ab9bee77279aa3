// Opening workspaces: pragmas, migration bookkeeping, refusal of newer or foreign databases.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors';
import { tempDir } from '../test-support/tmp';
import { MIGRATIONS } from './migrations/index';
import { openDatabase } from './open';

describe('openDatabase', () => {
  it('uses WAL, synchronous=FULL and foreign keys', () => {
    const db = openDatabase(path.join(tempDir(), 'a.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('applies each migration once and records it', () => {
    const file = path.join(tempDir(), 'b.db');
    openDatabase(file).close();
    const db = openDatabase(file);
    const rows = db.prepare('SELECT version, name FROM schema_migrations').all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    db.close();
  });

  it('applies a later migration to an older database, in order', () => {
    const file = path.join(tempDir(), 'c.db');
    openDatabase(file, { migrations: MIGRATIONS.slice(0, 1) }).close();
    const extra = {
      version: MIGRATIONS.length + 1,
      name: 'test extra',
      sql: 'CREATE TABLE extra (x INTEGER);',
    };
    const db = openDatabase(file, { migrations: [...MIGRATIONS, extra] });
    expect(db.pragma('user_version', { simple: true })).toBe(extra.version);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'extra'").get()).toEqual({
      n: 1,
    });
    db.close();
  });

  it('a table rebuild (foreign keys off) that leaves a broken reference is rolled back, enforcement back on', () => {
    const file = path.join(tempDir(), 'r.db');
    const setup = openDatabase(file);
    setup.exec(`INSERT INTO projects (name, created_at) VALUES ('p', 't');
      INSERT INTO cases (project_id, name, created_at) VALUES (1, 'c', 't');`);
    setup.close();
    const rebuild = {
      version: MIGRATIONS.length + 1,
      name: 'test rebuild',
      rebuildsTables: true as const,
      // With enforcement off nothing stops this delete: the case then refers to nothing.
      sql: 'DELETE FROM projects;',
    };
    expect(() => openDatabase(file, { migrations: [...MIGRATIONS, rebuild] })).toThrow(
      /leaves 1 broken references/,
    );
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT count(*) AS n FROM projects').get()).toEqual({ n: 1 });
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('rolls a failing migration back entirely', () => {
    const file = path.join(tempDir(), 'd.db');
    openDatabase(file).close();
    const bad = {
      version: MIGRATIONS.length + 1,
      name: 'bad',
      sql: 'CREATE TABLE half (x); SELECT * FROM nowhere;',
    };
    expect(() => openDatabase(file, { migrations: [...MIGRATIONS, bad] })).toThrow();
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a database from a newer Concord and leaves it untouched', () => {
    const file = path.join(tempDir(), 'e.db');
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openDatabase(file)).toThrow(InputError);
    expect(() => openDatabase(file)).toThrow(/newer version of Concord \(schema 999/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a database whose applied migration text differs from this build', () => {
    const file = path.join(tempDir(), 'f.db');
    openDatabase(file).close();
    const edited = [{ ...MIGRATIONS[0]!, sql: MIGRATIONS[0]!.sql + '\n-- edited' }, ...MIGRATIONS.slice(1)];
    expect(() => openDatabase(file, { migrations: edited })).toThrow(/differs/);
  });

  it('refuses a file that is not SQLite with a clear message', () => {
    const file = path.join(tempDir(), 'g.db');
    fs.writeFileSync(
      file,
      'this is not a database, just text that is long enough to look like a header'.repeat(20),
    );
    expect(() => openDatabase(file)).toThrow(/not a Concord workspace database/);
  });
});
