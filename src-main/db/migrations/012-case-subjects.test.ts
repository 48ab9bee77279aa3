// Migration 012 (case subjects) on a workspace made before it: its cases keep no subject; new ones may name
// one, never an empty or overlong one.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { openDatabase } from '../open';
import { MIGRATIONS } from './index';
import { migration012 } from './012-case-subjects';

describe('migration 012 (case subjects)', () => {
  it('leaves existing cases without a subject and refuses an empty or overlong one', () => {
    const file = path.join(tempDir(), 'concord.db');
    const old = openDatabase(file, { migrations: MIGRATIONS.slice(0, MIGRATIONS.indexOf(migration012)) });
    old.exec("INSERT INTO projects (name, created_at) VALUES ('p', 't')");
    old.exec("INSERT INTO cases (project_id, name, created_at) VALUES (1, 'kept', 't')");
    old.close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT name, subject FROM cases').all()).toEqual([{ name: 'kept', subject: null }]);
    db.prepare(
      "INSERT INTO cases (project_id, name, created_at, subject) VALUES (1, 'n1', 't', 'S-01')",
    ).run();
    const add = (subject: string) =>
      db
        .prepare("INSERT INTO cases (project_id, name, created_at, subject) VALUES (1, 'x', 't', ?)")
        .run(subject);
    expect(() => add('  ')).toThrow(/CHECK/);
    expect(() => add('s'.repeat(201))).toThrow(/CHECK/);
    expect(db.prepare("SELECT subject FROM cases WHERE name = 'n1'").get()).toEqual({ subject: 'S-01' });
    db.close();
  });
});
