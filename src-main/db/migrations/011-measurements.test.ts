// Migration 11 (measurements) on a schema-10 database holding a volume: measurements keep two points on a
// slice, a deletion names who, and a name is used once per volume and author.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { openDatabase } from '../open';
import { MIGRATIONS } from './index';
import { migration011 } from './011-measurements';

describe('migration 011 (measurements)', () => {
  it('adds measurements with their slice, points and a deletion mark', () => {
    const file = path.join(tempDir(), 'concord.db');
    const old = openDatabase(file, { migrations: MIGRATIONS.slice(0, MIGRATIONS.indexOf(migration011)) });
    old.exec(`
      INSERT INTO projects (name, created_at) VALUES ('p', 't');
      INSERT INTO cases (project_id, name, created_at) VALUES (1, 'c', 't');
      INSERT INTO annotators (name, role, created_at) VALUES ('Ann', 'annotator', 't');
    `);
    old.close();
    const db = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(migration011.version).toBe(11);
      const insert = (name: string, points: string, volumeId = 1, kind = 'ruler') =>
        db
          .prepare(
            `INSERT INTO measurements (volume_id, annotator_id, kind, name, axis, slice, points_json, created_at)
             VALUES (?, 1, ?, ?, 2, 3, ?, 't')`,
          )
          .run(volumeId, kind, name, points);
      // No volume 1 yet: a measurement needs its volume.
      expect(() => insert('Ruler 1', '[[0,0,3],[4,5,3]]')).toThrow(/FOREIGN KEY/);
      db.exec(`
        INSERT INTO blobs (sha256, byte_length, created_at) VALUES ('${'a'.repeat(64)}', 1, 't');
        INSERT INTO volumes (case_id, name, blob_sha256, scalar_type, dim_i, dim_j, dim_k, affine_lps,
          rescale_slope, rescale_intercept, source_format, source_json, stats_min, stats_max, stats_mean,
          imported_at, imported_by)
        VALUES (1, 'v', '${'a'.repeat(64)}', 'int16', 10, 10, 5, '[]', 1, 0, 'nifti', '{}', 0, 0, 0, 't', 'me');
      `);
      insert('Ruler 1', '[[0,0,3],[4,5,3]]');
      expect(() => insert('Ruler 1', '[[0,0,3],[1,1,3]]')).toThrow(/UNIQUE/);
      expect(() => insert('Ruler 2', '[[0,0,3]]')).toThrow(/CHECK/);
      expect(() => insert('Ruler 3', 'not json')).toThrow(/CHECK|JSON/);
      expect(() => insert('Box 1', '[[0,0,3],[1,1,3]]', 1, 'box')).toThrow(/CHECK/);
      expect(() => db.prepare("UPDATE measurements SET deleted_at = 't'").run()).toThrow(/CHECK/);
      db.prepare("UPDATE measurements SET deleted_at = 't', deleted_by = 'Ann'").run();
      expect(db.prepare('SELECT name, deleted_by AS by FROM measurements').all()).toEqual([
        { name: 'Ruler 1', by: 'Ann' },
      ]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});
