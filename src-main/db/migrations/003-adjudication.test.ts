// Migration 3 on a schema-2 database holding data, and the rules it adds: one adjudication per volume,
// append-only decisions, sign-offs and reopenings, a rationale for every decision but the seed, a reason for
// every reopening.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { openDatabase } from '../open';
import type { Db } from '../open';
import { migration001 } from './001-initial';
import { migration002 } from './002-labelling';
import { MIGRATIONS } from './index';

const SHA = (c: string) => c.repeat(64);

/** A schema-2 workspace with a volume, two annotations (one manual, one derived) with a revision each. */
function schema2WithData(): string {
  const file = path.join(tempDir(), 'concord.db');
  const db = openDatabase(file, { migrations: [migration001, migration002] });
  db.exec(`
    INSERT INTO projects (name, created_at) VALUES ('p', 't');
    INSERT INTO cases (project_id, name, created_at) VALUES (1, 'c', 't');
    INSERT INTO blobs (sha256, byte_length, created_at) VALUES ('${SHA('a')}', 1, 't'), ('${SHA('b')}', 1, 't');
    INSERT INTO volumes (case_id, name, blob_sha256, scalar_type, dim_i, dim_j, dim_k, affine_lps, rescale_slope,
      rescale_intercept, source_format, source_json, stats_min, stats_max, stats_mean, imported_at, imported_by)
      VALUES (1, 'v', '${SHA('a')}', 'int16', 1, 1, 1, '[]', 1, 0, 'nifti', '{}', 0, 0, 0, 't', 'me');
    INSERT INTO annotators (name, role, created_at) VALUES ('Ann', 'annotator', 't');
    INSERT INTO annotations (volume_id, annotator_id, kind, created_at) VALUES (1, 1, 'manual', 't');
    INSERT INTO annotations (volume_id, kind, name, created_at) VALUES (1, 'derived', 'reference (working)', 't');
    INSERT INTO annotations (volume_id, kind, name, created_at) VALUES (1, 'derived', 'reference', 't');
    INSERT INTO annotation_revisions (annotation_id, parent_id, blob_sha256, author, created_at)
      VALUES (1, NULL, '${SHA('b')}', 'Ann', 't'), (2, NULL, '${SHA('b')}', 'Rev', 't'), (3, NULL, '${SHA('b')}', 'Rev', 't');
  `);
  db.close();
  return file;
}

function adjudication(db: Db): number {
  return Number(
    db
      .prepare(
        "INSERT INTO adjudications (volume_id, label, working_annotation_id, seed_revision_id, started_by, started_at) VALUES (1, 1, 2, 1, 'Rev', 't')",
      )
      .run().lastInsertRowid,
  );
}

function decision(db: Db, kind: string, rationale: string, source: number | null, region: string | null) {
  return db
    .prepare(
      `INSERT INTO adjudication_decisions (adjudication_id, kind, region_json, source_revision_id, rationale,
         result_revision_id, voxels_changed, decided_by, decided_at) VALUES (1, ?, ?, ?, ?, 2, 0, 'Rev', 't')`,
    )
    .run(kind, region, source, rationale);
}

describe('migration 003 (adjudication)', () => {
  it('upgrades a schema-2 workspace, keeping its annotations', () => {
    const db = openDatabase(schema2WithData());
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(MIGRATIONS[2]!.version).toBe(3);
    expect((db.prepare('SELECT count(*) AS n FROM annotation_revisions').get() as { n: number }).n).toBe(3);
    expect(db.prepare('SELECT count(*) AS n FROM adjudications').get()).toEqual({ n: 0 });
    db.close();
  });

  it('allows one adjudication per volume, its rows append-only', () => {
    const db = openDatabase(schema2WithData());
    const id = adjudication(db);
    expect(() => adjudication(db)).toThrow(/UNIQUE/);
    expect(() => db.prepare('UPDATE adjudications SET label = 2 WHERE id = ?').run(id)).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM adjudications').run()).toThrow(/append-only/);
    expect(() =>
      db
        .prepare(
          "INSERT INTO adjudications (volume_id, label, working_annotation_id, seed_revision_id, started_by, started_at) VALUES (1, 0, 3, 1, 'R', 't')",
        )
        .run(),
    ).toThrow(/CHECK|UNIQUE/);
    db.close();
  });

  it('requires a rationale for decisions (not the seed), a source for taking voxels, and never changes them', () => {
    const db = openDatabase(schema2WithData());
    adjudication(db);
    decision(db, 'seed', '', 1, null);
    expect(() => decision(db, 'manual', '  ', null, null)).toThrow(/CHECK/);
    expect(() => decision(db, 'take-rater', 'R1 is right', null, '{}')).toThrow(/CHECK/);
    expect(() => decision(db, 'take-rater', 'R1 is right', 1, null)).toThrow(/CHECK/);
    expect(() => decision(db, 'manual', 'edit', 1, null)).toThrow(/CHECK/);
    expect(() => decision(db, 'guess', 'x', null, null)).toThrow(/CHECK/);
    decision(db, 'take-rater', 'R1 is right', 1, '{"regionId":1}');
    decision(db, 'manual', 'hand edit', null, null);
    expect(() => db.prepare("UPDATE adjudication_decisions SET rationale = 'other'").run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM adjudication_decisions').run()).toThrow(/append-only/);
    db.close();
  });

  it('records sign-offs and at most one reopening each, with a reason, append-only', () => {
    const db = openDatabase(schema2WithData());
    adjudication(db);
    const signOff = Number(
      db
        .prepare(
          "INSERT INTO sign_offs (adjudication_id, reference_annotation_id, reference_revision_id, working_revision_id, comment, signed_by, signed_at) VALUES (1, 3, 3, 2, NULL, 'Rev', 't')",
        )
        .run().lastInsertRowid,
    );
    expect(() => db.prepare("UPDATE sign_offs SET signed_by = 'x'").run()).toThrow(/append-only/);
    const reopen = db.prepare(
      'INSERT INTO case_reopenings (sign_off_id, reopened_by, reopened_at, reason) VALUES (?, ?, ?, ?)',
    );
    expect(() => reopen.run(signOff, 'Rev', 't', ' ')).toThrow(/CHECK/);
    reopen.run(signOff, 'Rev', 't', 'new reader');
    expect(() => reopen.run(signOff, 'Rev', 't', 'again')).toThrow(/UNIQUE/);
    expect(() => db.prepare('DELETE FROM case_reopenings').run()).toThrow(/append-only/);
    expect(() => reopen.run(99, 'Rev', 't', 'x')).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
