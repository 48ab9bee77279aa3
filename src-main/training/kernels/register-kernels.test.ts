// Concord's conv kernels, registered for the cpu and wasm backends, against tfjs's own cpu kernels (the
// reference, pure JS) through the public tfjs ops and their gradients: conv2d ('same', 'valid', stride 2),
// fused conv2d with bias and ReLU, conv2dTranspose, and d/dx, d/dw of each.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../backends/tfjs';
import { activateCpu } from '../backends/cpu-backend';
import { activateWasm } from '../backends/wasm-backend';
import { fastKernelFallbacks, uninstallFastKernels, type FastKernelBackend } from './register-kernels';
import { expectClose, seededArray } from './test-support';

type Op = {
  name: string;
  x: number[];
  w: number[];
  f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;
  /** tfjs has no gradient for dilated convolutions: forward only. */
  forwardOnly?: boolean;
};
const ops: Op[] = [
  { name: 'conv2d 3x3 same', x: [2, 9, 10, 3], w: [3, 3, 3, 16], f: (x, w) => tf.conv2d(x, w, 1, 'same') },
  { name: 'conv2d 3x3 valid', x: [1, 8, 7, 8], w: [3, 3, 8, 5], f: (x, w) => tf.conv2d(x, w, 1, 'valid') },
  { name: 'conv2d 2x2 stride 2', x: [2, 8, 8, 4], w: [2, 2, 4, 8], f: (x, w) => tf.conv2d(x, w, 2, 'valid') },
  {
    name: 'fused conv2d + bias + relu',
    x: [2, 6, 6, 8],
    w: [3, 3, 8, 8],
    f: (x, w) =>
      tf.fused.conv2d({
        x,
        filter: w,
        bias: tf.linspace(-0.5, 0.5, 8),
        pad: 'same',
        strides: 1,
        activation: 'relu',
      }),
  },
  {
    name: 'conv2dTranspose 2x2 stride 2',
    x: [2, 4, 5, 16],
    w: [2, 2, 8, 16],
    f: (x, w) => tf.conv2dTranspose(x, w, [x.shape[0], 8, 10, 8], 2, 'valid'),
  },
  {
    name: 'conv2d dilation 2 (falls back)',
    x: [1, 9, 9, 2],
    w: [3, 3, 2, 4],
    f: (x, w) => tf.conv2d(x, w, 1, 'same', 'NHWC', 2),
    forwardOnly: true,
  },
];

/** Forward output and the gradients of sum(out * r) with respect to x and w. */
function evaluate(op: Op): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(
      seededArray(
        op.x.reduce((a, b) => a * b),
        1,
      ),
      op.x as [number, number, number, number],
    );
    const w = tf.tensor4d(
      seededArray(
        op.w.reduce((a, b) => a * b),
        2,
      ),
      op.w as [number, number, number, number],
    );
    const y = op.f(x, w);
    if (op.forwardOnly) return [y.dataSync() as Float32Array];
    const r = tf.tensor(seededArray(y.size, 3), y.shape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(op.f(a as tf.Tensor4D, b as tf.Tensor4D), r)),
    )([x, w]);
    return [y.dataSync() as Float32Array, dx!.dataSync() as Float32Array, dw!.dataSync() as Float32Array];
  });
}

const reference = new Map<string, Float32Array[]>();
beforeAll(async () => {
  await activateCpu({ fastKernels: false });
  for (const op of ops) reference.set(op.name, evaluate(op));
});
afterAll(async () => {
  await uninstallFastKernels('cpu');
  await uninstallFastKernels('wasm');
});

for (const backend of ['cpu', 'wasm'] as FastKernelBackend[]) {
  describe(`fast conv kernels on ${backend}`, () => {
    beforeAll(async () => {
      const r = backend === 'cpu' ? await activateCpu({ threads: 2 }) : await activateWasm({ threads: 2 });
      expect(r.active).toBe(backend);
    });
    for (const op of ops) {
      test(`${op.name}: output, d/dx and d/dw equal tfjs cpu kernels`, () => {
        const convFallbacks = (): number =>
          ['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'].reduce(
            (n, k) => n + (fastKernelFallbacks(backend)[k] ?? 0),
            0,
          );
        const before = convFallbacks();
        const got = evaluate(op);
        const ref = reference.get(op.name)!;
        expect(got.length).toBe(ref.length);
        got.forEach((g, i) => expectClose(g, ref[i]!, 2e-5));
        const fellBack = convFallbacks() > before;
        // Dilation is not covered by the fast kernels: the backend's own forward kernel ran.
        expect(fellBack).toBe(op.name.includes('dilation'));
      });
    }
  });
}

test('wasm gets the Conv2DBackpropFilter tfjs lacks there', async () => {
  const r = await activateWasm({ threads: 2 });
  expect((r.detail['fastKernels'] as { supplied: string[] }).supplied).toEqual(['Conv2DBackpropFilter']);
});
