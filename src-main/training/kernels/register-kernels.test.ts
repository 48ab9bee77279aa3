// Concord's conv kernels, registered for the cpu and wasm backends, against tfjs's own cpu kernels (the
// reference, pure JS) through the public tfjs ops and their gradients: conv2d ('same', 'valid', stride 2),
// fused conv2d with bias and ReLU, conv2dTranspose, and d/dx, d/dw of each.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../backends/tfjs';
import { activateCpu } from '../backends/cpu-backend';
import { activateWasm } from '../backends/wasm-backend';
import { adam, trainStep } from '../engine/train-step';
import { UNet } from '../model/unet';
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

test('wasm: Identity (tf.clone, as tfjs saves tensors for gradients) shares the data instead of copying', async () => {
  await activateWasm({ threads: 2 });
  const x = tf.tensor2d(seededArray(12, 4), [3, 4]);
  const ids = (): number => tf.engine().backend.numDataIds();
  const before = ids();
  const y = tf.clone(x);
  expect(ids()).toBe(before); // no new buffer on the wasm heap
  const want = x.dataSync().slice();
  x.dispose();
  expect(Array.from(y.dataSync())).toEqual(Array.from(want)); // still alive through the shared reference
  y.dispose();
  expect(ids()).toBe(before - 1);
  const s = tf.clone(tf.tensor1d(['a', 'b'], 'string'));
  expect(s.dataSync()).toEqual(['a', 'b']);
});

test('wasm: Adam steps of a small U-Net equal tfjs cpu kernels (losses and weights)', async () => {
  const train = async (): Promise<{ losses: number[]; weights: Float32Array[] }> => {
    const model = UNet.create({ levels: 3, base: 4, inChannels: 2, labels: 1 }, 7);
    const opt = adam(1e-2);
    const x = tf.tensor4d(seededArray(2 * 16 * 16 * 2, 5), [2, 16, 16, 2]);
    const y = tf.tidy(() => tf.cast(tf.greater(tf.slice(x, [0, 0, 0, 0], [2, 16, 16, 1]), 0), 'float32'));
    const losses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const l = trainStep(model, opt, { x, y: y as tf.Tensor4D });
      losses.push((await l.data())[0]!);
      l.dispose();
    }
    const weights = model.variables.map((v) => v.dataSync().slice() as Float32Array);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
    return { losses, weights };
  };
  await activateCpu({ fastKernels: false });
  const ref = await train();
  await activateWasm({ threads: 2 });
  const got = await train();
  expectClose(got.losses, ref.losses, 1e-4);
  got.weights.forEach((w, i) => expectClose(w, ref.weights[i]!, 1e-3));
});
