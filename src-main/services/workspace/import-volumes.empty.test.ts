// An image without voxels never reaches the workspace: the readers refuse zero sizes, and the import checks
// again before storing a blob (a reader that let one through would otherwise be reported as "every voxel is
// NaN" after its blob was written). The reader is replaced here by one that returns such a volume.
import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { InputError } from '../../core/errors';
import { identity4 } from '../../core/geometry/affine';
import { tempDir } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { importVolumes } from './import-volumes';

vi.mock('../../io/read-volumes', () => ({
  readVolumes: () =>
    Promise.resolve({
      volumes: [
        {
          geometry: { dims: [64, 0, 1], affineLPS: identity4() },
          scalarType: 'uint16',
          data: new Uint16Array(0),
          frames: 1,
          rescale: { slope: 1, intercept: 0 },
          source: { format: 'dicom', files: ['/data/rows0.dcm'], description: 'rows0' },
        },
      ],
      skipped: [],
      refused: [],
    }),
}));

describe('importVolumes and an empty image', () => {
  it('is refused naming the file and its dims, before a blob or a row is written', async () => {
    const ws = openWorkspace(tempDir());
    const err = await importVolumes(
      ws,
      { jobId: 'j', source: { kind: 'paths', paths: ['/data/rows0.dcm'] } },
      'tester',
      () => undefined,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe('/data/rows0.dcm: the image has no voxels (dims 64x0x1)');
    expect((ws.db.prepare('SELECT count(*) AS n FROM volumes').get() as { n: number }).n).toBe(0);
    expect(fs.existsSync(ws.blobs.dir) ? fs.readdirSync(ws.blobs.dir, { recursive: true }) : []).toEqual([]);
    ws.close();
  });
});
