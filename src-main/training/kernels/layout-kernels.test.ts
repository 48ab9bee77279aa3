// Concord's memory-bound kernels (max-pool 2x2 and its gradient, channel concat/split, bias sums), on the
// cpu and wasm backends, against tfjs's own cpu kernels through the public ops and their gradients;
// other shapes of the same ops must fall back to the backend's kernels and give the same answers.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../backends/tfjs';
import { activateCpu } from '../backends/cpu-backend';
import { activateWasm } from '../backends/wasm-backend';
import { fastKernelFallbacks, uninstallFastKernels, type FastKernelBackend } from './register-kernels';
import { expectClose, seededArray } from './test-support';

/** Values with many ties and zeros, as ReLU outputs have: max-pool windows must pick the first maximum. */
function reluLike(shape: number[], seed: number): tf.Tensor4D {
  const v = seededArray(
    shape.reduce((a, b) => a * b),
    seed,
  ).map((x) => Math.max(0, Math.round(x * 3) / 3));
  return tf.tensor4d(v, shape as [number, number, number, number]);
}

interface Case {
  name: string;
  /** The kernels under test, and whether they must fall back to the backend's own. */
  kernels: string[];
  falls: boolean;
  run: () => tf.Tensor[];
}
const r = (shape: number[], seed: number): tf.Tensor =>
  tf.tensor(
    seededArray(
      shape.reduce((a, b) => a * b),
      seed,
    ),
    shape,
  );
const cases: Case[] = [
  {
    name: 'max-pool 2x2 and its gradient (ties, odd size)',
    kernels: ['MaxPool', 'MaxPoolGrad'],
    falls: false,
    run: () => {
      const x = reluLike([2, 7, 8, 5], 1);
      const f = (t: tf.Tensor): tf.Tensor =>
        tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), r([2, 3, 4, 5], 2)));
      return [tf.maxPool(x, 2, 2, 'valid'), tf.grad(f)(x)];
    },
  },
  {
    name: 'max-pool 2x2 gradient, channels a multiple of 4 (SIMD), odd width',
    kernels: ['MaxPool', 'MaxPoolGrad'],
    falls: false,
    run: () => {
      const x = reluLike([2, 6, 9, 8], 12);
      const f = (t: tf.Tensor): tf.Tensor =>
        tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), r([2, 3, 4, 8], 13)));
      return [tf.grad(f)(x)];
    },
  },
  {
    name: 'concat of 8 and 4 channels (SIMD) and its gradient',
    kernels: ['Concat', 'SplitV'],
    falls: false,
    run: () => {
      const a = r([2, 3, 5, 8], 14);
      const b = r([2, 3, 5, 4], 15);
      const w = r([2, 3, 5, 12], 16);
      const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.concat([p, q], 3), w)))([a, b]);
      return [tf.concat([a, b], -1), ...g];
    },
  },
  {
    name: 'concat and split large enough for the threads to share the copies',
    kernels: ['Concat', 'SplitV'],
    falls: false,
    run: () => {
      const a = r([2, 40, 48, 16], 17);
      const b = r([2, 40, 48, 8], 18);
      const w = r([2, 40, 48, 24], 19);
      const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.concat([p, q], 3), w)))([a, b]);
      return [tf.concat([a, b], -1), ...g];
    },
  },
  {
    name: 'max-pool 3x3 (falls back)',
    kernels: ['MaxPool'],
    falls: true,
    run: () => [tf.maxPool(reluLike([1, 6, 6, 3], 3), 3, 1, 'same')],
  },
  {
    name: 'concat on channels and its gradient (split)',
    kernels: ['Concat', 'SplitV'],
    falls: false,
    run: () => {
      const a = r([2, 3, 4, 5], 4);
      const b = r([2, 3, 4, 3], 5);
      const w = r([2, 3, 4, 8], 6);
      const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.concat([p, q], 3), w)))([a, b]);
      return [tf.concat([a, b], -1), ...g];
    },
  },
  {
    name: 'concat on another axis (falls back)',
    kernels: ['Concat'],
    falls: true,
    run: () => [tf.concat([r([2, 3, 4], 7), r([2, 2, 4], 8)], 1)],
  },
  {
    name: 'sum over all axes but the last (bias gradient), keepDims or not',
    kernels: ['Sum'],
    falls: false,
    run: () => {
      const x = r([3, 5, 6, 7], 9);
      return [tf.sum(x, [0, 1, 2]), tf.sum(x, [0, 1, 2], true), tf.sum(r([10, 4], 10), 0)];
    },
  },
  {
    name: 'sum over all axes but the last, large enough for the threads',
    kernels: ['Sum'],
    falls: false,
    run: () => [tf.sum(r([2, 64, 33, 20], 20), [0, 1, 2])],
  },
  {
    name: 'max-pool 2x2 gradient large enough for the threads (odd height and width)',
    kernels: ['MaxPool', 'MaxPoolGrad'],
    falls: false,
    run: () => {
      const x = reluLike([2, 65, 63, 16], 21);
      const f = (t: tf.Tensor): tf.Tensor =>
        tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), r([2, 32, 31, 16], 22)));
      return [tf.grad(f)(x)];
    },
  },
  {
    name: 'sum over the last axis (falls back)',
    kernels: ['Sum'],
    falls: true,
    run: () => [tf.sum(r([3, 5, 6, 7], 11), 3)],
  },
];

const reference = new Map<string, Float32Array[]>();
beforeAll(async () => {
  await activateCpu({ fastKernels: false });
  for (const c of cases)
    reference.set(
      c.name,
      tf.tidy(() => c.run().map((t) => t.dataSync() as Float32Array)),
    );
});
afterAll(async () => {
  await uninstallFastKernels('cpu');
  await uninstallFastKernels('wasm');
});

for (const backend of ['cpu', 'wasm'] as FastKernelBackend[]) {
  describe(`layout kernels on ${backend}`, () => {
    beforeAll(async () => {
      await (backend === 'cpu' ? activateCpu({ threads: 2 }) : activateWasm({ threads: 2 }));
    });
    for (const c of cases) {
      test(c.name, () => {
        const count = (): number => c.kernels.reduce((n, k) => n + (fastKernelFallbacks(backend)[k] ?? 0), 0);
        const before = count();
        const got = tf.tidy(() => c.run().map((t) => t.dataSync() as Float32Array));
        const ref = reference.get(c.name)!;
        expect(got.length).toBe(ref.length);
        got.forEach((g, i) => expectClose(g, ref[i]!, 1e-6));
        const fellBack = count() > before;
        // wasm keeps its own MaxPool, so a 3x3 pool never reaches Concord's kernels there.
        expect(fellBack).toBe(c.falls && !(backend === 'wasm' && c.name.startsWith('max-pool 3x3')));
      });
    }
  });
}
