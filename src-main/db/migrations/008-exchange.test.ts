// Migration 'exchange' on a database holding revisions: a revision saved here must still continue the head
// (a lost update is refused), a revision imported with its origin recorded first may fork, and origins are
// append-only and unique per kind.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { openDatabase } from '../open';
import { MIGRATIONS } from './index';
import { migration008 } from './008-exchange';

const SHA = 'a'.repeat(64);

describe('migration exchange', () => {
  it('keeps revisions linear when saved here, lets imported ones fork, and keeps origins append-only', () => {
    const file = path.join(tempDir(), 'concord.db');
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(migration008));
    const old = openDatabase(file, { migrations: before });
    old.exec(`
      INSERT INTO projects (name, created_at) VALUES ('p', 't');
      INSERT INTO cases (project_id, name, created_at) VALUES (1, 'c', 't');
      INSERT INTO blobs (sha256, byte_length, created_at) VALUES ('${SHA}', 1, 't');
      INSERT INTO volumes (case_id, name, blob_sha256, scalar_type, dim_i, dim_j, dim_k, affine_lps, rescale_slope,
        rescale_intercept, source_format, source_json, stats_min, stats_max, stats_mean, imported_at, imported_by)
        VALUES (1, 'v', '${SHA}', 'int16', 1, 1, 1, '[]', 1, 0, 'nifti', '{}', 0, 0, 0, 't', 'me');
      INSERT INTO annotators (name, role, created_at) VALUES ('Ann', 'annotator', 't');
      INSERT INTO annotations (volume_id, annotator_id, kind, created_at) VALUES (1, 1, 'manual', 't');
      INSERT INTO annotation_revisions (annotation_id, parent_id, blob_sha256, author, created_at) VALUES (1, NULL, '${SHA}', 'Ann', 't');
      INSERT INTO annotation_revisions (annotation_id, parent_id, blob_sha256, author, created_at) VALUES (1, 1, '${SHA}', 'Ann', 't');
    `);
    old.close();
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(migration008.version).toBe(MIGRATIONS.indexOf(migration008) + 1);
    const insert = (id: number | null, parent: number) =>
      db
        .prepare(
          `INSERT INTO annotation_revisions (id, annotation_id, parent_id, blob_sha256, author, created_at)
           VALUES (?, 1, ?, '${SHA}', 'Ann', 't')`,
        )
        .run(id, parent);
    // Saved here on revision 1 while 2 is the head: a lost update, refused as before.
    expect(() => insert(null, 1)).toThrow(/parent revision is not the head/);
    // Imported: its origin is recorded first, with the id it gets; then it may fork from revision 1.
    db.prepare(
      "INSERT INTO exchange_origins (kind, origin, local_id, imported_at) VALUES ('revision', 'w/revision/9', 3, 't')",
    ).run();
    insert(3, 1);
    expect(db.prepare('SELECT parent_id FROM annotation_revisions ORDER BY id').pluck().all()).toEqual([
      null,
      1,
      1,
    ]);
    // An origin names one row, once; origins are never changed or removed.
    expect(() =>
      db
        .prepare(
          "INSERT INTO exchange_origins (kind, origin, local_id, imported_at) VALUES ('revision', 'w/revision/9', 4, 't')",
        )
        .run(),
    ).toThrow(/UNIQUE/);
    expect(() => db.prepare('UPDATE exchange_origins SET local_id = 5').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM exchange_origins').run()).toThrow(/append-only/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO trusted_signers (workspace_id, public_key_pem, trusted_at, trusted_by) VALUES ('short', 'k', 't', 'me')",
        )
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });
});
