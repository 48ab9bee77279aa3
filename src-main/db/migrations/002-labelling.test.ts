// Migration 2 on a schema-1 database holding data, and the rules it adds.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { openDatabase } from '../open';
import type { Db } from '../open';
import { migration001 } from './001-initial';
import { MIGRATIONS } from './index';

const SHA = (c: string) => c.repeat(64);

/** A schema-1 workspace with a project, a case, a volume, an annotator and an annotation. */
function schema1WithData(): string {
  const file = path.join(tempDir(), 'concord.db');
  const db = openDatabase(file, { migrations: [migration001] });
  db.exec(`
    INSERT INTO projects (name, created_at) VALUES ('old', 't'), ('labelled', 't');
    INSERT INTO labels (project_id, value, name, color) VALUES (2, 3, 'liver', '#00ff00');
    INSERT INTO cases (project_id, name, created_at) VALUES (1, 'c', 't');
    INSERT INTO blobs (sha256, byte_length, created_at) VALUES ('${SHA('a')}', 1, 't'), ('${SHA('b')}', 1, 't');
    INSERT INTO volumes (case_id, name, blob_sha256, scalar_type, dim_i, dim_j, dim_k, affine_lps, rescale_slope,
      rescale_intercept, source_format, source_json, stats_min, stats_max, stats_mean, imported_at, imported_by)
      VALUES (1, 'v', '${SHA('a')}', 'int16', 1, 1, 1, '[]', 1, 0, 'nifti', '{}', 0, 0, 0, 't', 'me');
    INSERT INTO annotators (name, role, created_at) VALUES ('Ann', 'annotator', 't'), ('Bob', 'annotator', 't');
    INSERT INTO annotations (volume_id, annotator_id, kind, created_at) VALUES (1, 1, 'manual', 't');
  `);
  db.close();
  return file;
}

function revision(db: Db, annotationId: number, parent: number | null) {
  return db
    .prepare(
      `INSERT INTO annotation_revisions (annotation_id, parent_id, blob_sha256, author, created_at) VALUES (?, ?, '${SHA('b')}', 'Ann', 't')`,
    )
    .run(annotationId, parent);
}

describe('migration 002 (labelling)', () => {
  it('upgrades a schema-1 workspace, keeping its data and giving label-less projects a default label', () => {
    const db = openDatabase(schema1WithData());
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const labels = db
      .prepare('SELECT project_id, value, name, color, visible, opacity FROM labels ORDER BY project_id')
      .all();
    expect(labels).toEqual([
      { project_id: 1, value: 1, name: 'Lesion', color: '#ff0000', visible: 1, opacity: 0.5 },
      { project_id: 2, value: 3, name: 'liver', color: '#00ff00', visible: 1, opacity: 0.5 },
    ]);
    expect(db.prepare('SELECT status, time_spent_sec, flag_comment FROM annotations').get()).toEqual({
      status: 'not-started',
      time_spent_sec: 0,
      flag_comment: null,
    });
    db.close();
  });

  it('allows one manual annotation per volume and annotator, and any number of derived ones', () => {
    const db = openDatabase(schema1WithData());
    expect(() =>
      db
        .prepare(
          "INSERT INTO annotations (volume_id, annotator_id, kind, created_at) VALUES (1, 1, 'manual', 't')",
        )
        .run(),
    ).toThrow(/UNIQUE/);
    db.prepare(
      "INSERT INTO annotations (volume_id, annotator_id, kind, created_at) VALUES (1, 2, 'manual', 't')",
    ).run();
    db.prepare(
      "INSERT INTO annotations (volume_id, kind, name, created_at) VALUES (1, 'derived', 'STAPLE', 't')",
    ).run();
    db.prepare(
      "INSERT INTO annotations (volume_id, kind, name, created_at) VALUES (1, 'derived', 'STAPLE', 't')",
    ).run();
    db.close();
  });

  it('keeps each annotation one line of revisions: a parent must be the head, and nothing is deleted', () => {
    const db = openDatabase(schema1WithData());
    expect(() => revision(db, 1, 99)).toThrow(/FOREIGN KEY|conflict/);
    const first = Number(revision(db, 1, null).lastInsertRowid);
    expect(() => revision(db, 1, null)).toThrow(/conflict: the parent revision is not the head/);
    const second = Number(revision(db, 1, first).lastInsertRowid);
    // A second child of the same parent would be a lost update.
    expect(() => revision(db, 1, first)).toThrow(/conflict/);
    revision(db, 1, second);
    expect(() => db.prepare('DELETE FROM annotation_revisions WHERE id = ?').run(second)).toThrow(
      /never deleted/,
    );
    expect(() => db.prepare("UPDATE annotation_revisions SET label_voxels_json = '{}'").run()).toThrow(
      /immutable/,
    );
    db.close();
  });

  it('bounds work status, time spent and label display to valid values', () => {
    const db = openDatabase(schema1WithData());
    expect(() => db.prepare("UPDATE annotations SET status = 'lost'").run()).toThrow(/CHECK/);
    expect(() => db.prepare('UPDATE annotations SET time_spent_sec = -1').run()).toThrow(/CHECK/);
    expect(() => db.prepare('UPDATE labels SET opacity = 1.5').run()).toThrow(/CHECK/);
    expect(() => db.prepare('UPDATE labels SET visible = 2').run()).toThrow(/CHECK/);
    db.close();
  });

  it('makes profile names unique regardless of case and records one review state per case', () => {
    const db = openDatabase(schema1WithData());
    expect(() =>
      db.prepare("INSERT INTO annotators (name, role, created_at) VALUES ('ann', 'admin', 't')").run(),
    ).toThrow(/UNIQUE/);
    db.prepare("INSERT INTO case_reviews (case_id, opened_at, opened_by) VALUES (1, 't', 'Rev')").run();
    expect(() =>
      db.prepare("INSERT INTO case_reviews (case_id, opened_at, opened_by) VALUES (1, 't', 'Rev')").run(),
    ).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() =>
      db.prepare("INSERT INTO case_reviews (case_id, opened_at, opened_by) VALUES (9, 't', 'Rev')").run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
