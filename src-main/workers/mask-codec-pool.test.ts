// The mask codec in worker threads: mask-codec-worker.ts bundled with esbuild (as the build bundles it) and
// run in real workers. The stored bytes, counts and decoded labels equal the in-thread codec's; large masks
// go to a worker, small ones stay in-thread; damaged data fails with the codec's message; the mask store
// saves through the pool and hands out ordinary (unshared) arrays.
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vec3 } from '../core/geometry/affine';
import { insertManualAnnotation } from '../db/repositories/annotations';
import { insertAnnotator } from '../db/repositories/annotators';
import { importVolumes } from '../services/workspace/import-volumes';
import { MaskStore } from '../services/masks/mask-store';
import { writeTestVolume } from '../services/test-support/labelling';
import { tempDir } from '../test-support/tmp';
import { decodeMask, encodeMaskCounted, MaskCodecError } from '../workspace/mask-codec';
import { openWorkspace } from '../workspace/workspace';
import { IN_THREAD_MAX_VOXELS, MaskCodecPool } from './mask-codec-pool';

let workerFile = '';
let pool: MaskCodecPool;
beforeAll(async () => {
  workerFile = path.join(tempDir('concord-codec-worker-'), 'mask-codec-worker.mjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, 'mask-codec-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: workerFile,
    logLevel: 'silent',
  });
  pool = new MaskCodecPool(workerFile, 2);
});
afterAll(() => pool.close());

const DIMS: Vec3 = [128, 128, 64]; // 2^20 voxels: the smallest mask sent to a worker

/** A mask with a ball of label 1, a slab of label 2 and speckle of label 3 (seeded). */
function mask(dims: Vec3, seed: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const m = new Uint8Array(nx * ny * nz);
  let x = seed;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const at = i + j * nx + k * nx * ny;
        if ((i - 40) ** 2 + (j - 50) ** 2 + (k - 30) ** 2 < 400) m[at] = 1;
        else if (k === 5) m[at] = 2;
        x = (x * 1103515245 + 12345) >>> 0;
        if (x % 97 === 0) m[at] = 3;
      }
  return m;
}

describe('mask codec pool', () => {
  it('encodes and decodes in a worker exactly as in-thread, for many requests at once', async () => {
    const masks = [1, 2, 3, 4, 5].map((s) => mask(DIMS, s));
    const before = pool.workerRequests;
    const encoded = await Promise.all(masks.map((m) => pool.encode(m, DIMS)));
    expect(pool.workerRequests - before).toBe(masks.length);
    encoded.forEach((e, n) => {
      const expected = encodeMaskCounted(masks[n]!, DIMS);
      expect(Buffer.from(e.bytes).equals(Buffer.from(expected.bytes))).toBe(true);
      expect(Array.from(e.counts)).toEqual(Array.from(expected.counts));
    });
    const decoded = await Promise.all(encoded.map((e) => pool.decode(e.bytes, DIMS)));
    decoded.forEach((d, n) => {
      expect(d.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Buffer.from(d).equals(Buffer.from(masks[n]!))).toBe(true);
    });
    expect(pool.workerRequests - before).toBe(2 * masks.length);
  });

  it('shares labels held in shared memory and leaves the caller its array', async () => {
    const m = mask(DIMS, 7);
    const shared = new Uint8Array(new SharedArrayBuffer(m.length));
    shared.set(m);
    const e = await pool.encode(shared, DIMS);
    expect(shared.length).toBe(m.length);
    expect(Buffer.from(decodeMask(e.bytes, DIMS).labels).equals(Buffer.from(m))).toBe(true);
  });

  it('keeps small masks on the calling thread', async () => {
    const small: Vec3 = [8, 8, 8];
    expect(8 * 8 * 8).toBeLessThan(IN_THREAD_MAX_VOXELS);
    const before = pool.workerRequests;
    const e = await pool.encode(mask(small, 3), small);
    expect(await pool.decode(e.bytes, small)).toEqual(mask(small, 3));
    expect(pool.workerRequests).toBe(before);
  });

  it('fails damaged data with the codec message, and goes on working', async () => {
    const e = await pool.encode(mask(DIMS, 9), DIMS);
    const damaged = e.bytes.slice();
    damaged[damaged.length - 1]! ^= 0xff;
    await expect(pool.decode(damaged, DIMS)).rejects.toThrow(MaskCodecError);
    await expect(pool.decode(damaged, DIMS)).rejects.toThrow(/payload checksum mismatch/);
    await expect(pool.decode(e.bytes, [128, 128, 32])).rejects.toThrow(/the stored mask is 128x128x64/);
    expect(Buffer.from(await pool.decode(e.bytes, DIMS)).equals(Buffer.from(mask(DIMS, 9)))).toBe(true);
  });

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
