// The WebAssembly conv kernels against tfjs's own cpu kernels (pure JS, the reference) on random inputs:
// forward (with bias and ReLU), input gradient and filter gradient, for every geometry the U-Net uses and
// awkward ones (odd widths for the 4-pixel tail, channel counts that are not multiples of 8, 1 channel).
// Each case runs twice: on a pool with its own memory (operands copied in and out), and on a pool running
// on a host heap with the operands and outputs already in it (used in place, as the wasm backend's
// tensors are).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConvGemmPool, type HostHeap } from './conv-gemm-pool';
import {
  backpropInputSupported,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  conv2dForward,
} from './conv-engine';
import { geometryFromConvInfo } from './conv-geometry';
import { expectClose, seededArray } from './test-support';

/** A shared memory with a bump allocator that records which blocks are live, standing in for tfjs's. */
function testHost(): HostHeap & { live: Set<number>; array(n: number): Float32Array } {
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
  let top = 65536; // below: "the host's own data", never handed out
  const live = new Set<number>();
  const malloc = (bytes: number): number => {
    const p = top;
    top = (top + bytes + 15) & ~15;
    const pages = Math.ceil(top / 65536) - memory.buffer.byteLength / 65536;
    if (pages > 0) memory.grow(pages);
    live.add(p);
    return p;
  };
  const free = (p: number): void => {
    if (!live.delete(p)) throw new Error(`free of ${p}, which is not live`);
  };
  const array = (n: number): Float32Array => {
    const at = malloc(n * 4); // first: it may grow the memory, and with it the buffer
    return new Float32Array(memory.buffer, at, n);
  };
  return { memory, malloc, free, live, array };
}

let pool: ConvGemmPool;
let hostPool: ConvGemmPool;
const host = testHost();
beforeAll(async () => {
  await tf.setBackend('cpu');
  pool = await ConvGemmPool.create(2);
  hostPool = await ConvGemmPool.create(2, host);
});
afterAll(async () => {
  await pool.dispose();
  const held = host.live.size;
  await hostPool.dispose();
  // The pool freed its stacks and its last call's blocks: what is left is the test's own arrays.
  expect(host.live.size).toBeLessThan(held);
  expect(host.live.size).toBe(testArrays);
});
let testArrays = 0;
/** A copy of a in the host heap (inHost) or a itself. */
const placeIn = (inHost: boolean, a: Float32Array): Float32Array => {
  if (!inHost) return a;
  testArrays++;
  const c = host.array(a.length);
  c.set(a);
  return c;
};
const outputIn = (inHost: boolean, n: number): Float32Array | undefined => {
  if (!inHost) return undefined;
  testArrays++;
  return host.array(n);
};

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
  {
    name: '3x3 same, 8->6, large enough for the threads to share the copies',
    x: [2, 64, 72, 8],
    f: [3, 3, 8, 6],
    stride: 1,
    pad: 'same',
  },
  {
    name: '3x3 same, 12->20 (Winograd: tiles across images, output channels not a multiple of 8)',
    x: [3, 10, 6, 12],
    f: [3, 3, 12, 20],
    stride: 1,
    pad: 'same',
  },
  {
    name: '3x3 same, 8->16 (Winograd: several blocks and chunks of tiles)',
    x: [2, 34, 36, 8],
    f: [3, 3, 8, 16],
    stride: 1,
    pad: 'same',
  },
  {
    name: '3x3 valid, 4->8 (Winograd on a valid convolution)',
    x: [1, 10, 8, 4],
    f: [3, 3, 4, 8],
    stride: 1,
    pad: 'valid',
  },
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

describe.each([
  ['its own memory', false],
  ['a host heap, in place', true],
])('conv-engine against tfjs cpu kernels, on %s', (_, inHost) => {
  for (const c of cases) {
    test(c.name, async () => {
      const p = inHost ? hostPool : pool;
      const at = (a: Float32Array): Float32Array => placeIn(inHost, a);
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
      const ySize = n(yShape);
      expectClose(
        conv2dForward(p, g, at(x), at(w), at(bias), true, outputIn(inHost, ySize)),
        ref as Float32Array,
        1e-5,
      );
      const refPlain = await tf.conv2d(xt, wt, c.stride, c.pad).data();
      expectClose(
        conv2dForward(p, g, at(x), at(w), null, false, outputIn(inHost, ySize)),
        refPlain as Float32Array,
        1e-5,
      );

      const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC' };
      const refDw = await (
        tf
          .engine()
          .runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { ...attrs, filterShape: c.f }) as tf.Tensor
      ).data();
      expectClose(
        conv2dBackpropFilter(p, g, at(x), at(dy), outputIn(inHost, n(c.f))),
        refDw as Float32Array,
        1e-5,
      );

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
        expectClose(
          conv2dBackpropInput(p, g, at(dy), at(w), outputIn(inHost, n(c.x))),
          refDx as Float32Array,
          1e-5,
        );
      } else {
        expect(c.stride).toBe(2);
        expect(c.f[0]).toBe(3);
      }
    });
  }
});
