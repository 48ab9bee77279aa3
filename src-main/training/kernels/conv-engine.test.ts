// The WebAssembly conv kernels against tfjs's own cpu kernels (pure JS, the reference) on random inputs:
// forward (with bias and ReLU), input gradient and filter gradient, for every geometry the U-Net uses and
// awkward ones (odd widths for the 4-pixel tail, channel counts that are not multiples of 8, 1 channel).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConvGemmPool } from './conv-gemm-pool';
import {
  backpropInputSupported,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dForward,
} from './conv-engine';
import { geometryFromConvInfo } from './conv-geometry';
import { expectClose, seededArray } from './test-support';

let pool: ConvGemmPool;
beforeAll(async () => {
  await tf.setBackend('cpu');
  pool = await ConvGemmPool.create(2);
});
afterAll(async () => {
  await pool.dispose();
});

interface Case {
  name: string;
  x: [number, number, number, number];
  f: [number, number, number, number];
  stride: number;
  pad: 'same' | 'valid';
}
const cases: Case[] = [
  { name: '3x3 same, 1->16 (first U-Net layer)', x: [2, 9, 11, 1], f: [3, 3, 1, 16], stride: 1, pad: 'same' },
  { name: '3x3 same, 16->16', x: [2, 8, 8, 16], f: [3, 3, 16, 16], stride: 1, pad: 'same' },
  { name: '3x3 same, 5->12 (channel tails)', x: [3, 7, 5, 5], f: [3, 3, 5, 12], stride: 1, pad: 'same' },
  { name: '3x3 valid, 3->8', x: [1, 9, 10, 3], f: [3, 3, 3, 8], stride: 1, pad: 'valid' },
  { name: '5x5 same, 4->3', x: [2, 6, 7, 4], f: [5, 5, 4, 3], stride: 1, pad: 'same' },
  { name: '2x2 stride 2 valid, 8->4', x: [2, 8, 12, 8], f: [2, 2, 8, 4], stride: 2, pad: 'valid' },
  { name: '2x2 stride 2 valid, odd size', x: [1, 9, 7, 3], f: [2, 2, 3, 9], stride: 2, pad: 'valid' },
  { name: '1x1, 16->1 (output layer)', x: [2, 6, 6, 16], f: [1, 1, 16, 1], stride: 1, pad: 'valid' },
  {
    name: '3x3 stride 2 same (no fast input gradient)',
    x: [1, 9, 9, 4],
    f: [3, 3, 4, 8],
    stride: 2,
    pad: 'same',
  },
];

describe('conv-engine against tfjs cpu kernels', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.stride, 1, c.pad);
      const g = geometryFromConvInfo(info)!;
      const n = (s: number[]): number => s.reduce((a, b) => a * b, 1);
      const x = seededArray(n(c.x), 1);
      const w = seededArray(n(c.f), 2);
      const bias = seededArray(c.f[3], 3);
      const yShape = [g.batch, g.outH, g.outW, g.outC];
      const dy = seededArray(n(yShape), 4);
      const xt = tf.tensor4d(x, c.x);
      const wt = tf.tensor4d(w, c.f);
      const dyt = tf.tensor4d(dy, yShape as [number, number, number, number]);

      const ref = await tf.relu(tf.add(tf.conv2d(xt, wt, c.stride, c.pad), tf.tensor1d(bias))).data();
      expectClose(conv2dForward(pool, g, x, w, bias, true), ref as Float32Array, 1e-5);
      const refPlain = await tf.conv2d(xt, wt, c.stride, c.pad).data();
      expectClose(conv2dForward(pool, g, x, w), refPlain as Float32Array, 1e-5);

      const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC' };
      const refDw = await (
        tf
          .engine()
          .runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { ...attrs, filterShape: c.f }) as tf.Tensor
      ).data();
      expectClose(conv2dBackpropFilter(pool, g, x, dy), refDw as Float32Array, 1e-5);

      if (backpropInputSupported(g)) {
        const refDx = await (
          tf
            .engine()
            .runKernel(
              'Conv2DBackpropInput',
              { dy: dyt, filter: wt },
              { ...attrs, inputShape: c.x },
            ) as tf.Tensor
        ).data();
        expectClose(conv2dBackpropInput(pool, g, dy, w), refDx as Float32Array, 1e-5);
      } else {
        expect(c.stride).toBe(2);
        expect(c.f[0]).toBe(3);
      }
    });
  }
});
