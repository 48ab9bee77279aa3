// The cpu backend's fast float32 arithmetic against tfjs's own kernels: equal shapes, a single value on
// either side, a last-axis vector; other broadcasts fall back to tfjs and agree too.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { tf } from '../backends/tfjs';
import { activateCpu } from '../backends/cpu-backend';
import { fastKernelFallbacks, uninstallFastKernels } from './register-kernels';
import { expectClose, seededArray } from './test-support';

const t = (shape: number[], seed: number): tf.Tensor =>
  tf.tensor(
    seededArray(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
const pairs: [number[], number[], boolean][] = [
  [[2, 3, 4, 5], [2, 3, 4, 5], false],
  [[2, 3, 4, 5], [], false],
  [[], [7, 2], false],
  [[2, 3, 4, 5], [5], false],
  [[6, 5], [1, 5], false],
  [[3, 1], [1, 4], true], // a true two-way broadcast: tfjs's kernel
];
const ops = [tf.add, tf.sub, tf.mul, tf.div] as const;

function results(): Float32Array[] {
  return tf.tidy(() =>
    pairs.flatMap(([a, b], i) =>
      ops.map((op) => op(t(a, i + 1), tf.add(t(b, i + 50), 3)).dataSync() as Float32Array),
    ),
  );
}

let reference: Float32Array[] = [];
beforeAll(async () => {
  await activateCpu({ fastKernels: false });
  reference = results();
  await activateCpu({ threads: 1 });
});
afterAll(async () => {
  await uninstallFastKernels('cpu');
});

test('add, sub, mul, div on cpu equal tfjs kernels; only the two-way broadcast falls back', () => {
  const before = fastKernelFallbacks('cpu');
  const got = results();
  got.forEach((g, i) => expectClose(g, reference[i]!, 1e-6));
  const after = fastKernelFallbacks('cpu');
  const delta = ['Add', 'Sub', 'Multiply', 'RealDiv'].map((k) => (after[k] ?? 0) - (before[k] ?? 0));
  // Each op once on the [3,1] x [1,4] pair; the tf.add(b, 3) inside is a scalar case (fast).
  expect(delta).toEqual([1, 1, 1, 1]);
});
