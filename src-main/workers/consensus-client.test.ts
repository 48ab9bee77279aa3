// The consensus worker end to end: consensus-worker.ts bundled with esbuild (as the build bundles it) and run
// in a real worker thread; results equal the in-thread ones, arrays travel by transfer, progress arrives,
// cancel stops it, errors keep their class.
import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, InputError, UnsupportedError } from '../core/errors';
import { gridFromSpacing } from '../core/metrics/grid';
import { blob, random } from '../core/metrics/test-support/naive';
import { tempDir } from '../test-support/tmp';
import { builtWorkerFile, runInWorker } from './consensus-client';
import { runConsensusTask } from './consensus-tasks';

const dims: [number, number, number] = [40, 36, 20];
const grid = gridFromSpacing(dims, [0.8, 0.8, 2]);

function raters(count: number, seed = 3): Uint8Array[] {
  const rnd = random(seed);
  return Array.from({ length: count }, (_, r) => blob(dims, [20 + r, 18, 10], [12, 10, 6], rnd, 1, 0.4));
}

let workerFile = '';
beforeAll(async () => {
  workerFile = path.join(tempDir('concord-worker-'), 'consensus-worker.mjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, 'consensus-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: workerFile,
    logLevel: 'silent',
  });
});

describe('consensus worker', () => {
  it('gives the same comparison as in-thread, and hands the masks back', async () => {
    const masks = raters(3);
    const expected = runConsensusTask({
      kind: 'compare',
      masks: masks.map((m) => m.slice()),
      grid,
      options: { label: 1 },
    });
    const sent = masks.map((m) => m.slice());
    const got = await runInWorker(
      { kind: 'compare', masks: sent, grid, options: { label: 1 } },
      { workerFile },
    );
    expect(sent.every((m) => m.byteLength === 0)).toBe(true); // transferred, not copied
    expect(got.masks.map((m) => [...m])).toEqual(masks.map((m) => [...m]));
    expect(got.pairs).toEqual(expected.pairs);
    expect(got.fleiss).toEqual(expected.fleiss);
  });

  it('returns STAPLE with its probability map and mask as typed arrays, reporting progress', async () => {
    const masks = raters(5);
    const expected = runConsensusTask({
      kind: 'staple',
      masks: masks.map((m) => m.slice()),
      grid,
      options: {},
    });
    const progress: number[] = [];
    const got = await runInWorker(
      { kind: 'staple', masks, grid, options: {} },
      { workerFile, onProgress: (f) => progress.push(f) },
    );
    expect(got.probability).toBeInstanceOf(Float32Array);
    expect(got.probability).toEqual(expected.probability);
    expect(got.mask).toEqual(expected.mask);
    expect(got.sensitivity).toEqual(expected.sensitivity);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(1);
  });

  it('runs vote and multi-label STAPLE', async () => {
    const vote = await runInWorker(
      { kind: 'vote', masks: raters(4), grid, options: { ties: 'background' } },
      { workerFile },
    );
    expect(vote.method).toBe('vote');
    expect(vote.undecidedVoxels).toBe(0);
    const ml = await runInWorker({ kind: 'mstaple', masks: raters(3), grid, options: {} }, { workerFile });
    expect(ml.method).toBe('mstaple');
    expect(ml.confusion).toHaveLength(3);
  });

  it('copies masks that are views on a larger buffer instead of moving the neighbours', async () => {
    const big = new Uint8Array(dims[0] * dims[1] * dims[2] * 2);
    const a = big.subarray(0, big.length / 2);
    const b = big.subarray(big.length / 2);
    a[5] = 1;
    b[5] = 1;
    const got = await runInWorker({ kind: 'compare', masks: [a, b], grid, options: {} }, { workerFile });
    expect(big.byteLength).toBe(dims[0] * dims[1] * dims[2] * 2);
    expect(got.pairs[0]!.dice).toBe(1);
  });

  it('stops with CancelledError when the signal aborts', async () => {
    const big: [number, number, number] = [160, 160, 120];
    const rnd = random(5);
    const masks = Array.from({ length: 2 }, (_, r) =>
      blob(big, [80 + r * 3, 80, 60], [60, 55, 45], rnd, 1, 0.2),
    );
    const controller = new AbortController();
    const run = runInWorker(
      { kind: 'compare', masks, grid: gridFromSpacing(big, [1, 1, 1]), options: { label: 1 } },
      { workerFile, signal: controller.signal, onProgress: () => controller.abort() },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    const pre = new AbortController();
    pre.abort();
    await expect(
      runInWorker({ kind: 'vote', masks: raters(2), grid, options: {} }, { workerFile, signal: pre.signal }),
    ).rejects.toBeInstanceOf(CancelledError);
  });

  it('runs the case comparison (pairs and each rater vs vote and STAPLE) as in-thread', async () => {
    const masks = raters(3);
    const expected = runConsensusTask({
      kind: 'caseCompare',
      masks: masks.map((m) => m.slice()),
      grid,
      options: { label: 1 },
    });
    const got = await runInWorker(
      { kind: 'caseCompare', masks, grid, options: { label: 1 } },
      { workerFile },
    );
    expect(got.pairs).toEqual(expected.pairs);
    expect(got.versusConsensus).toEqual(expected.versusConsensus);
    expect(got.versusConsensus.map((v) => v.method)).toEqual(['vote', 'staple']);
  });

  it('returns the agreement map and region voxel lists as transferred typed arrays', async () => {
    const masks = raters(4);
    const expected = runConsensusTask({
      kind: 'agreement',
      masks: masks.map((m) => m.slice()),
      grid,
      options: { measure: 'votes' },
    });
    const got = await runInWorker(
      { kind: 'agreement', masks, grid, options: { measure: 'votes' } },
      { workerFile },
    );
    expect(got.map).toBeInstanceOf(Uint8Array);
    expect(got.map).toEqual(expected.map);
    expect(got.regionVoxels).toBeInstanceOf(Uint32Array);
    expect(got.regionVoxels).toEqual(expected.regionVoxels);
    expect(got.regions).toEqual(expected.regions);
    expect(got.regions.length).toBeGreaterThan(0);
  });

  it('cancels a case comparison and an agreement map while they run', async () => {
    const big: [number, number, number] = [160, 160, 120];
    const rnd = random(7);
    const make = () =>
      Array.from({ length: 3 }, (_, r) => blob(big, [80 + r * 3, 80, 60], [60, 55, 45], rnd, 1, 0.2));
    for (const kind of ['caseCompare', 'agreement'] as const) {
      const controller = new AbortController();
      const stages: string[] = [];
      const run =
        kind === 'caseCompare'
          ? runInWorker(
              { kind, masks: make(), grid: gridFromSpacing(big, [1, 1, 1]), options: { label: 1 } },
              {
                workerFile,
                signal: controller.signal,
                onProgress: (_f, s) => (stages.push(s), controller.abort()),
              },
            )
          : runInWorker(
              { kind, masks: make(), grid: gridFromSpacing(big, [1, 1, 1]), options: { measure: 'staple' } },
              {
                workerFile,
                signal: controller.signal,
                onProgress: (_f, s) => (stages.push(s), controller.abort()),
              },
            );
      await expect(run).rejects.toBeInstanceOf(CancelledError);
      expect(stages.length).toBeGreaterThan(0);
    }
  });

  it("rejects with the core's InputError for bad input", async () => {
    const run = runInWorker(
      { kind: 'staple', masks: raters(2), grid, options: { label: 0 } },
      { workerFile },
    );
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toThrow(/label must be an integer 1\.\.255/);
  });

  it('says the worker must be built when running from source without one', () => {
    expect(() => builtWorkerFile()).toThrow(UnsupportedError);
    expect(() => builtWorkerFile()).toThrow(/npm run build/);
  });
});
