// Migration 1 applied to an empty database: the tables exist and their constraints hold.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { openDatabase } from '../open';
import { migration001 } from './001-initial';

/** A database at schema 1 exactly (later migrations have their own tests). */
function fresh() {
  return openDatabase(path.join(tempDir(), 'concord.db'), { migrations: [migration001] });
}

describe('migration 001 (initial schema)', () => {
  it('creates every table of the data model', () => {
    const db = fresh();
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'projects',
        'cases',
        'blobs',
        'volumes',
        'labels',
        'annotators',
        'annotations',
        'annotation_revisions',
        'audit_log',
        'settings',
      ]),
    );
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });

  it('enforces foreign keys (a case needs its project)', () => {
    const db = fresh();
    expect(() =>
      db.prepare("INSERT INTO cases (project_id, name, created_at) VALUES (99, 'c', 'now')").run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('refuses audit rows being changed or removed', () => {
    const db = fresh();
    db.prepare(
      "INSERT INTO audit_log (at, actor, action, detail_json, prev_hash, hash) VALUES ('t', 'a', 'x', '{}', 'p', 'h')",
    ).run();
    expect(() => db.prepare("UPDATE audit_log SET actor = 'b'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    db.close();
  });

  it('keeps annotation revisions immutable and labels in 1..255 with #rrggbb colours', () => {
    const db = fresh();
    db.prepare("INSERT INTO projects (name, created_at) VALUES ('p', 't')").run();
    expect(() =>
      db.prepare("INSERT INTO labels (project_id, value, name, color) VALUES (1, 0, 'bg', '#000000')").run(),
    ).toThrow(/CHECK/);
    expect(() =>
      db.prepare("INSERT INTO labels (project_id, value, name, color) VALUES (1, 1, 'x', 'red')").run(),
    ).toThrow(/CHECK/);
    db.prepare(
      "INSERT INTO labels (project_id, value, name, color) VALUES (1, 1, 'nodule', '#ff8800')",
    ).run();
    db.prepare("INSERT INTO cases (project_id, name, created_at) VALUES (1, 'c', 't')").run();
    db.prepare(
      `INSERT INTO blobs (sha256, byte_length, created_at) VALUES ('${'a'.repeat(64)}', 1, 't')`,
    ).run();
    db.prepare(
      `INSERT INTO volumes (case_id, name, blob_sha256, scalar_type, dim_i, dim_j, dim_k, affine_lps, rescale_slope,
        rescale_intercept, source_format, source_json, stats_min, stats_max, stats_mean, imported_at, imported_by)
       VALUES (1, 'v', '${'a'.repeat(64)}', 'int16', 1, 1, 1, '[]', 1, 0, 'nifti', '{}', 0, 0, 0, 't', 'me')`,
    ).run();
    db.prepare("INSERT INTO annotators (name, role, created_at) VALUES ('ann', 'annotator', 't')").run();
    db.prepare(
      "INSERT INTO annotations (volume_id, annotator_id, kind, created_at) VALUES (1, 1, 'manual', 't')",
    ).run();
    // A manual annotation must name its annotator; a derived one must not.
    expect(() =>
      db
        .prepare(
          "INSERT INTO annotations (volume_id, annotator_id, kind, created_at) VALUES (1, NULL, 'manual', 't')",
        )
        .run(),
    ).toThrow(/CHECK/);
    db.prepare(
      `INSERT INTO annotation_revisions (annotation_id, blob_sha256, author, created_at) VALUES (1, '${'a'.repeat(64)}', 'ann', 't')`,
    ).run();
    expect(() => db.prepare("UPDATE annotation_revisions SET tool = 'brush'").run()).toThrow(/immutable/);
    db.close();
  });
});
