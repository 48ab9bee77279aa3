// The mask codec in worker threads: mask-codec-worker.ts bundled with esbuild (as the build bundles it) and
// run in real workers. The stored bytes, counts and decoded labels equal the in-thread codec's; large masks
// go to a worker, small ones stay in-thread; damaged data fails with the codec's message. (The mask store
// saving through the pool: services/masks/mask-store-pool.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vec3 } from '../core/geometry/affine';
import { applyPatch } from '../core/labelling/patch';
import type { MaskPatch } from '../core/labelling/patch';
import { decodeMask, encodeMaskCounted, MaskCodecError } from '../workspace/mask-codec';
import { decodeMaskChain, encodeMaskDelta } from '../workspace/mask-codec-delta';
import { IN_THREAD_MAX_VOXELS, MaskCodecPool } from './mask-codec-pool';
import { bundleMaskCodecWorker, testMask } from './test-support';

let pool: MaskCodecPool;
beforeAll(async () => {
  pool = new MaskCodecPool(await bundleMaskCodecWorker(), 2);
});
afterAll(() => pool.close());

const DIMS: Vec3 = [128, 128, 64]; // 2^20 voxels: the smallest mask sent to a worker
const mask = testMask;

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

  it('decodes a snapshot with its deltas in a worker, and encodes big patches there, small ones in-thread', async () => {
    const base = mask(DIMS, 3);
    const patches: MaskPatch[] = [
      { box: [0, 128, 0, 128, 0, 64], data: mask(DIMS, 4) }, // the whole grid: a worker's
      { box: [5, 9, 5, 9, 5, 9], data: new Uint8Array(64).fill(2) }, // a dab: in-thread
    ];
    const before = pool.workerRequests;
    const deltas = await Promise.all(patches.map((p) => pool.encodeDelta(p, DIMS)));
    expect(pool.workerRequests - before).toBe(1); // the big one
    deltas.forEach((d, n) =>
      expect(Buffer.from(d).equals(Buffer.from(encodeMaskDelta(patches[n]!, DIMS)))).toBe(true),
    );
    const snapshot = encodeMaskCounted(base, DIMS).bytes;
    const labels = await pool.decode(snapshot, DIMS, deltas);
    expect(pool.workerRequests - before).toBe(2);
    expect(labels.buffer).toBeInstanceOf(SharedArrayBuffer);
    const expected = base.slice();
    for (const p of patches) applyPatch(expected, DIMS, p);
    expect(Buffer.from(labels).equals(Buffer.from(expected))).toBe(true);
    expect(Buffer.from(decodeMaskChain(snapshot, deltas, DIMS)).equals(Buffer.from(expected))).toBe(true);
    // A damaged delta fails the decode with the codec's message.
    const damaged = deltas[1]!.slice();
    damaged[damaged.length - 1]! ^= 0xff;
    await expect(pool.decode(snapshot, DIMS, [deltas[0]!, damaged])).rejects.toThrow(
      /payload checksum mismatch/,
    );
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
});
