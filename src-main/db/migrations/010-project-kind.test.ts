// Migration 010 (project kind) on a workspace made before it: its projects become clinical; new ones say
// which they are; the kind is one of two words and never changes once the project exists.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { openDatabase } from '../open';
import { MIGRATIONS } from './index';
import { migration010 } from './010-project-kind';

describe('migration 010 (project kind)', () => {
  it('makes existing projects clinical, takes research for new ones, and refuses other words or a change', () => {
    const file = path.join(tempDir(), 'concord.db');
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(migration010));
    const old = openDatabase(file, { migrations: before });
    old.exec("INSERT INTO projects (name, created_at) VALUES ('kept', 't')");
    old.close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT name, kind FROM projects').all()).toEqual([{ name: 'kept', kind: 'clinical' }]);
    db.prepare("INSERT INTO projects (name, created_at, kind) VALUES ('study', 't', 'research')").run();
    expect(() =>
      db.prepare("INSERT INTO projects (name, created_at, kind) VALUES ('x', 't', 'anonymous')").run(),
    ).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE projects SET kind = 'clinical' WHERE name = 'study'").run()).toThrow(
      /cannot change/,
    );
    // Other columns of a project may still change.
    db.prepare("UPDATE projects SET name = 'study 2' WHERE name = 'study'").run();
    expect(db.prepare("SELECT kind FROM projects WHERE name = 'study 2'").get()).toEqual({
      kind: 'research',
    });
    db.close();
  });
});
