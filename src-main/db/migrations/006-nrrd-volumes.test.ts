// Migration 6 (volumes from NRRD) on a schema-4 workspace holding a volume with an annotation: the volume
// row, its id and the rows that refer to it survive; the foreign keys still hold; 'nrrd' is accepted and
// an unknown format still refused.
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { schema4Workspace } from '../test-support/schema4';
import { openWorkspace } from '../../workspace/workspace';
import { MIGRATIONS } from './index';

describe('migration 006 (NRRD volumes)', () => {
  it('rebuilds volumes with the wider format check, keeping rows, ids and references', async () => {
    const dir = tempDir();
    expect(MIGRATIONS[5]!.version).toBe(6);
    await schema4Workspace(dir);
    const ws = openWorkspace(dir);
    try {
      const db = ws.db;
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(db.prepare('SELECT id, name, source_format, dim_i FROM volumes').all()).toEqual([
        { id: 1, name: 'v', source_format: 'nifti', dim_i: 6 },
      ]);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      // The children still refer to "volumes" (the rebuilt table took the name).
      const annotations = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'annotations'").get() as {
        sql: string;
      };
      expect(annotations.sql).toMatch(/REFERENCES volumes\(id\)/);
      expect(
        db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name LIKE 'volumes_006%'").get(),
      ).toEqual({ n: 0 });
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'volumes_case'").get()).toEqual(
        { n: 1 },
      );
      const insert = (format: string) =>
        db
          .prepare(
            `INSERT INTO volumes (case_id, name, blob_sha256, scalar_type, dim_i, dim_j, dim_k, affine_lps,
               rescale_slope, rescale_intercept, source_format, source_json, stats_min, stats_max, stats_mean,
               imported_at, imported_by)
             SELECT case_id, 'n', blob_sha256, scalar_type, 6, 5, 4, affine_lps, 1, 0, ?, '{}', 0, 0, 0, 't', 'me'
             FROM volumes WHERE id = 1`,
          )
          .run(format);
      expect(insert('nrrd').changes).toBe(1);
      expect(() => insert('mha')).toThrow(/CHECK constraint/);
      // A volume with an annotation still cannot be deleted (ON DELETE RESTRICT held through the rebuild).
      expect(() => db.prepare('DELETE FROM volumes WHERE id = 1').run()).toThrow(/FOREIGN KEY/);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      ws.close();
    }
  });
});
