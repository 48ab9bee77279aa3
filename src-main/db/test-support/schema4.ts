// For tests of what schema 5 (revision deltas) does to older data: a workspace folder written at schema 4,
// with one 6x5x4 volume, Ann's manual annotation and two revisions (m1, then m2 = m1 plus label 2), the
// second without label counts (as rows from before schema 2 have).
import path from 'node:path';
import type { Vec3 } from '../../core/geometry/affine';
import { encodeMask } from '../../workspace/mask-codec';
import { BlobStore } from '../../workspace/blob-store';
import { MIGRATIONS } from '../migrations/index';
import { openDatabase } from '../open';

export async function schema4Workspace(dir: string): Promise<{ dims: Vec3; m1: Uint8Array; m2: Uint8Array }> {
  const dims: Vec3 = [6, 5, 4];
  const n = 6 * 5 * 4;
  const old = openDatabase(path.join(dir, 'concord.db'), { migrations: MIGRATIONS.slice(0, 4) });
  const blobs = new BlobStore(path.join(dir, 'blobs'), path.join(dir, 'tmp'));
  const m1 = new Uint8Array(n);
  m1.fill(1, 10, 40);
  const m2 = m1.slice();
  m2.fill(2, 50, 70);
  const b1 = await blobs.put(encodeMask(m1, dims));
  const b2 = await blobs.put(encodeMask(m2, dims));
  const volumeBlob = await blobs.put(new Uint8Array(n * 2));
  old.exec(`
      INSERT INTO projects (name, created_at) VALUES ('p', 't');
      INSERT INTO labels (project_id, value, name, color) VALUES (1, 1, 'one', '#ff0000'), (1, 2, 'two', '#00ff00');
      INSERT INTO cases (project_id, name, created_at) VALUES (1, 'c', 't');
      INSERT INTO blobs (sha256, byte_length, created_at) VALUES
        ('${volumeBlob.sha256}', ${volumeBlob.byteLength}, 't'), ('${b1.sha256}', ${b1.byteLength}, 't'),
        ('${b2.sha256}', ${b2.byteLength}, 't');
      INSERT INTO volumes (case_id, name, blob_sha256, scalar_type, dim_i, dim_j, dim_k, affine_lps, rescale_slope,
        rescale_intercept, source_format, source_json, stats_min, stats_max, stats_mean, imported_at, imported_by)
        VALUES (1, 'v', '${volumeBlob.sha256}', 'int16', 6, 5, 4,
          '[1,0,0,0,0,1,0,0,0,0,1,0,0,0,0,1]', 1, 0, 'nifti', '{}', 0, 0, 0, 't', 'me');
      INSERT INTO annotators (name, role, created_at) VALUES ('Ann', 'annotator', 't');
      INSERT INTO annotations (volume_id, annotator_id, kind, created_at) VALUES (1, 1, 'manual', 't');
      INSERT INTO annotation_revisions (annotation_id, parent_id, blob_sha256, author, label_voxels_json, created_at)
        VALUES (1, NULL, '${b1.sha256}', 'Ann', '{"1":30}', 't');
      -- A row whose label counts were never recorded (written before schema 2 added them).
      INSERT INTO annotation_revisions (annotation_id, parent_id, blob_sha256, author, created_at)
        VALUES (1, 1, '${b2.sha256}', 'Ann', 't');
    `);
  old.close();
  return { dims, m1, m2 };
}
