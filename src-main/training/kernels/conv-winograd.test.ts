// The Winograd path (conv-winograd.ts, wino_* in wasm/winograd.c): which convolutions take it, and that a
// U-Net-sized layer gives tfjs's results through the engine with every tile computed the same way on one
// thread or two (bit-identical: the tiles, blocks and filter-gradient chunks do not depend on the thread
// count). conv-engine.test.ts runs the awkward geometries against tfjs on both paths.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ConvGemmPool } from './conv-gemm-pool';
import { conv2dBackpropFilter, conv2dBackpropInput, conv2dForward } from './conv-engine';
import { geometryFromConvInfo } from './conv-geometry';
import { winogradBlockTiles, winogradDwChunks, winogradTile } from './conv-winograd';
import { expectClose, seededArray } from './test-support';

let one: ConvGemmPool;
let two: ConvGemmPool;
beforeAll(async () => {
  one = await ConvGemmPool.create(1);
  two = await ConvGemmPool.create(2);
});
afterAll(async () => {
  await one.dispose();
  await two.dispose();
});

test('3x3 filters with whole output tiles and channels in fours take the Winograd path, 4x4 tiles first', () => {
  expect(winogradTile(3, 3, 128, 128, 16)).toBe(4);
  expect(winogradTile(3, 3, 8, 12, 4)).toBe(4);
  expect(winogradTile(3, 3, 2, 6, 4)).toBe(2); // even, not a multiple of 4: 2x2 tiles
  expect(winogradTile(3, 3, 9, 8, 16)).toBe(0); // odd rows: no whole tiles
  expect(winogradTile(3, 3, 8, 8, 1)).toBe(0); // the first layer's one channel
  expect(winogradTile(3, 3, 8, 8, 6)).toBe(0);
  expect(winogradTile(5, 5, 8, 8, 16)).toBe(0);
  expect(winogradTile(2, 2, 8, 8, 16)).toBe(0);
  // Blocks keep V near 256 KiB; filter-gradient chunks are fixed by the tile count alone.
  expect([winogradBlockTiles(2, 16), winogradBlockTiles(2, 256), winogradBlockTiles(2, 4096)]).toEqual([
    64, 16, 4,
  ]);
  expect([winogradBlockTiles(4, 16), winogradBlockTiles(4, 64), winogradBlockTiles(4, 256)]).toEqual([
    64, 28, 4,
  ]);
  expect([winogradDwChunks(10), winogradDwChunks(256), winogradDwChunks(65536)]).toEqual([1, 4, 8]);
});

test('a 32->16 layer on 40x48 pixels: tfjs results, and the same bits on one thread and on two', async () => {
  const xs: [number, number, number, number] = [2, 40, 48, 32];
  const fs: [number, number, number, number] = [3, 3, 32, 16];
  const g = geometryFromConvInfo(tf.backend_util.computeConv2DInfo(xs, fs, 1, 1, 'same'))!;
  const n = (s: number[]): number => s.reduce((a, b) => a * b, 1);
  const x = seededArray(n(xs), 11);
  const w = seededArray(n(fs), 12);
  const bias = seededArray(16, 13);
  const dy = seededArray(n([2, 40, 48, 16]), 14);
  const xt = tf.tensor4d(x, xs);
  const wt = tf.tensor4d(w, fs);
  const dyt = tf.tensor4d(dy, [2, 40, 48, 16]);
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
  const ref = {
    y: await tf.relu(tf.add(tf.conv2d(xt, wt, 1, 'same'), tf.tensor1d(bias))).data(),
    dx: await (
      tf
        .engine()
        .runKernel('Conv2DBackpropInput', { dy: dyt, filter: wt }, { ...attrs, inputShape: xs }) as tf.Tensor
    ).data(),
    dw: await (
      tf
        .engine()
        .runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { ...attrs, filterShape: fs }) as tf.Tensor
    ).data(),
  };
  const run = (p: ConvGemmPool) => ({
    y: conv2dForward(p, g, x, w, bias, true),
    dx: conv2dBackpropInput(p, g, dy, w),
    dw: conv2dBackpropFilter(p, g, x, dy),
  });
  const a = run(one);
  const b = run(two);
  for (const k of ['y', 'dx', 'dw'] as const) {
    expectClose(a[k], ref[k] as Float32Array, 1e-5);
    expect(Buffer.from(b[k].buffer).equals(Buffer.from(a[k].buffer))).toBe(true);
  }
});
