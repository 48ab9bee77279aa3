// The mask store saving through the mask codec pool (real worker threads, the worker bundled as the build
// bundles it): the same blobs as in-thread, the cached head in shared memory, ordinary arrays to read.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vec3 } from '../../core/geometry/affine';
import { insertManualAnnotation } from '../../db/repositories/annotations';
import { insertAnnotator } from '../../db/repositories/annotators';
import { tempDir } from '../../test-support/tmp';
import { MaskCodecPool } from '../../workers/mask-codec-pool';
import { bundleMaskCodecWorker, testMask } from '../../workers/test-support';
import { openWorkspace } from '../../workspace/workspace';
import { writeTestVolume } from '../test-support/labelling';
import { importVolumes } from '../workspace/import-volumes';
import { MaskStore } from './mask-store';

let pool: MaskCodecPool;
beforeAll(async () => {
  pool = new MaskCodecPool(await bundleMaskCodecWorker(), 2);
});
afterAll(() => pool.close());

const DIMS: Vec3 = [128, 128, 64]; // 2^20 voxels: the smallest mask sent to a worker
const mask = testMask;

describe('mask store through the codec pool', () => {
  it('saves revisions through the pool: the same blobs as in-thread, ordinary arrays to read', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'big.nii.gz');
    await writeTestVolume(file, DIMS);
    const ws = openWorkspace(path.join(dir, 'ws'));
    try {
      const s = await importVolumes(
        ws,
        { jobId: 'j', source: { kind: 'paths', paths: [file] }, projectName: 'P' },
        'test',
        () => undefined,
      );
      const volumeId = s.volumes[0]!.id;
      const [a1, a2] = ws.db.transaction(() =>
        ['W', 'T'].map((name) =>
          insertManualAnnotation(
            ws.db,
            volumeId,
            insertAnnotator(ws.db, { name, role: 'annotator', passwordHash: null }, 'now'),
            'now',
          ),
        ),
      )();
      const viaPool = new MaskStore(ws, undefined, pool);
      const inThread = new MaskStore(ws);
      const patch = {
        box: [10, 60, 20, 70, 3, 9] as [number, number, number, number, number, number],
        data: new Uint8Array(50 * 50 * 6).fill(1),
      };
      const before = pool.workerRequests;
      const r1 = await viaPool.commitPatch({
        annotationId: a1!,
        parentRevisionId: null,
        tool: 'brush',
        author: 'W',
        patch,
      });
      const r2 = await inThread.commitPatch({
        annotationId: a2!,
        parentRevisionId: null,
        tool: 'brush',
        author: 'T',
        patch,
      });
      expect(pool.workerRequests - before).toBe(1);
      expect(r1.blobSha256).toBe(r2.blobSha256);
      expect(r1.labelVoxels).toEqual({ '1': 50 * 50 * 6 });
      // The cached head lives in shared memory; what is read out is an ordinary array.
      expect(viaPool.cache.get(a1!)!.labels.buffer).toBeInstanceOf(SharedArrayBuffer);
      // A head in an ordinary buffer (a whole mask saved) is moved to the worker and back for each stroke.
      const whole = mask(DIMS, 11).map((v) => (v === 0 ? 0 : 1));
      const r3 = await viaPool.commitMask({
        annotationId: a1!,
        parentRevisionId: r1.id,
        tool: 'import',
        author: 'W',
        labels: whole,
      });
      const r4 = await viaPool.commitPatch({
        annotationId: a1!,
        parentRevisionId: r3.id,
        tool: 'eraser',
        author: 'W',
        patch: { box: [0, 128, 0, 128, 5, 6], data: new Uint8Array(128 * 128) },
      });
      const head = viaPool.cache.get(a1!)!;
      expect(head.labels.length).toBe(128 * 128 * 64);
      expect(head.revisionId).toBe(r4.id);
      const expected = whole.slice();
      expected.fill(0, 5 * 128 * 128, 6 * 128 * 128);
      expect(Buffer.from(head.labels).equals(Buffer.from(expected))).toBe(true);
      expect(Buffer.from(await viaPool.decodeRevision(r4, DIMS)).equals(Buffer.from(expected))).toBe(true);
      const read = await viaPool.readRevision(r1, DIMS);
      expect(read.buffer).toBeInstanceOf(ArrayBuffer);
      viaPool.cache.delete(a1!);
      const decoded = await viaPool.readRevision(r1, DIMS);
      expect(decoded.buffer).toBeInstanceOf(ArrayBuffer);
      expect(decoded[10 + 20 * 128 + 3 * 128 * 128]).toBe(1);
      expect(decoded[0]).toBe(0);
    } finally {
      ws.close();
    }
  });
});
