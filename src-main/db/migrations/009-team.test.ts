// Migration 9 (team) on a schema-5 database holding a project and a case: projects gain a modality and an
// archive date (empty), cases a removal (who, why, when: all three or none); assignments are one per (case,
// annotator); a submission's return needs a comment.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { openDatabase } from '../open';
import { MIGRATIONS } from './index';

describe('migration 009 (team)', () => {
  it('adds project modality and archive, case removal with a reason, assignments and submissions', () => {
    expect(MIGRATIONS[8]!.version).toBe(9);
    const file = path.join(tempDir(), 'concord.db');
    const old = openDatabase(file, { migrations: MIGRATIONS.slice(0, 5) });
    old.exec(`
      INSERT INTO projects (name, created_at) VALUES ('p', 't');
      INSERT INTO cases (project_id, name, created_at) VALUES (1, 'c', 't');
      INSERT INTO annotators (name, role, created_at) VALUES ('Ann', 'annotator', 't');
    `);
    old.close();

    const db = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(db.prepare('SELECT name, modality, archived_at FROM projects').get()).toEqual({
        name: 'p',
        modality: null,
        archived_at: null,
      });
      expect(db.prepare('SELECT removed_at, removed_by, removed_reason FROM cases').get()).toEqual({
        removed_at: null,
        removed_by: null,
        removed_reason: null,
      });
      // A removal names who and why.
      expect(() => db.prepare("UPDATE cases SET removed_at = 't'").run()).toThrow(/who and a reason/);
      expect(() =>
        db.prepare("UPDATE cases SET removed_at = 't', removed_by = 'Admin', removed_reason = '  '").run(),
      ).toThrow(/who and a reason/);
      db.prepare(
        "UPDATE cases SET removed_at = 't', removed_by = 'Admin', removed_reason = 'duplicate'",
      ).run();

      const assign = () =>
        db
          .prepare(
            "INSERT INTO case_assignments (case_id, annotator_id, assigned_by, assigned_at) VALUES (1, 1, 'Rita', 't')",
          )
          .run();
      assign();
      expect(assign).toThrow(/UNIQUE/);
      expect(() =>
        db
          .prepare(
            "INSERT INTO case_assignments (case_id, annotator_id, assigned_by, assigned_at) VALUES (1, 99, 'Rita', 't')",
          )
          .run(),
      ).toThrow(/FOREIGN KEY/);

      db.prepare(
        `INSERT INTO case_submissions (case_id, annotator_id, state, state_at, state_by, submitted_at)
         VALUES (1, 1, 'submitted', 't', 'Ann', 't')`,
      ).run();
      expect(() => db.prepare("UPDATE case_submissions SET state = 'returned'").run()).toThrow(/CHECK/);
      db.prepare("UPDATE case_submissions SET state = 'returned', comment = 'the margin'").run();
      expect(() => db.prepare("UPDATE case_submissions SET state = 'lost'").run()).toThrow(/CHECK/);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});
