// The fused conv + bias + ReLU op (one forward kernel, one backward kernel on cpu/wasm) against the same
// function built from tfjs's stock ops and kernels: value and all three gradients.
import { afterAll, expect, test } from 'vitest';
import { tf } from '../backends/tfjs';
import { activateCpu } from '../backends/cpu-backend';
import { activateWasm } from '../backends/wasm-backend';
import { convBiasRelu, hasFusedConvGrad } from './fused-conv-op';
import { uninstallFastKernels } from './register-kernels';
import { expectClose, seededArray } from './test-support';

afterAll(async () => {
  await uninstallFastKernels('cpu');
  await uninstallFastKernels('wasm');
});

const shapes: [number[], number[]][] = [
  [
    [2, 7, 9, 1],
    [3, 3, 1, 16],
  ], // first layer: one input channel
  [
    [2, 6, 5, 5],
    [3, 3, 5, 12],
  ], // channel counts that are not multiples of 8
  [
    [1, 8, 8, 16],
    [3, 3, 16, 4],
  ],
  [
    [2, 4, 4, 8],
    [1, 1, 8, 8],
  ],
  [
    [2, 48, 40, 16],
    [3, 3, 16, 16],
  ], // large enough for the padding copies to be shared between threads
];

function valueAndGrads(xs: number[], ws: number[]): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(
      seededArray(
        xs.reduce((a, b) => a * b),
        1,
      ),
      xs as [number, number, number, number],
    );
    const w = tf.tensor4d(
      seededArray(
        ws.reduce((a, b) => a * b),
        2,
      ),
      ws as [number, number, number, number],
    );
    const b = tf.tensor1d(seededArray(ws[3]!, 3));
    const f = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor): tf.Tensor4D =>
      convBiasRelu(a as tf.Tensor4D, c as tf.Tensor4D, d as tf.Tensor1D);
    const y = f(x, w, b);
    const r = tf.tensor(seededArray(y.size, 4), y.shape);
    const grads = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(f(a, c, d), r)))([
      x,
      w,
      b,
    ]);
    return [y, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

test('conv + bias + ReLU: the fused op on cpu and wasm equals tfjs stock ops', async () => {
  await activateCpu({ fastKernels: false });
  expect(hasFusedConvGrad()).toBe(false);
  const ref = shapes.map(([x, w]) => valueAndGrads(x, w));
  for (const activate of [() => activateCpu({ threads: 2 }), () => activateWasm({ threads: 2 })]) {
    await activate();
    expect(hasFusedConvGrad()).toBe(true);
    shapes.forEach(([x, w], i) => {
      const got = valueAndGrads(x, w);
      got.forEach((g, k) => expectClose(g, ref[i]![k]!, 2e-5));
    });
  }
});

test('without the input gradient: the same weight and bias gradients, and zeros for the input', async () => {
  await activateWasm({ threads: 2 });
  const grads = (inputGradient: boolean): Float32Array[] =>
    tf.tidy(() => {
      const x = tf.tensor4d(seededArray(2 * 8 * 8 * 4, 1), [2, 8, 8, 4]);
      const w = tf.tensor4d(seededArray(3 * 3 * 4 * 8, 2), [3, 3, 4, 8]);
      const b = tf.tensor1d(seededArray(8, 3));
      const f = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor): tf.Scalar =>
        tf.sum(tf.square(convBiasRelu(a as tf.Tensor4D, c as tf.Tensor4D, d as tf.Tensor1D, inputGradient)));
      return tf
        .grads(f)([x, w, b])
        .map((t) => t.dataSync() as Float32Array);
    });
  const all = grads(true);
  const some = grads(false);
  expect(all[0]!.some((v) => v !== 0)).toBe(true);
  expect(some[0]!.every((v) => v === 0)).toBe(true);
  expect(some[1]).toEqual(all[1]);
  expect(some[2]).toEqual(all[2]);
});
