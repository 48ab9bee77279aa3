// Numerical gradient checks on tiny shapes, through Concord's kernels (cpu backend): the analytic
// directional derivative <grad L, d> must equal the central difference (L(p + e d) - L(p - e d)) / 2e.
// Convolutions are linear in each argument, so there the difference is exact up to float32 rounding;
// the small U-Net adds ReLU, max-pool, concatenation and the loss, checked with a looser bound.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { tf } from '../backends/tfjs';
import { activateCpu } from '../backends/cpu-backend';
import { UNet } from '../model/unet';
import { segmentationLoss } from '../model/loss';
import { uninstallFastKernels } from './register-kernels';
import { expectClose, seededArray } from './test-support';

beforeAll(async () => {
  await activateCpu({ threads: 2 });
});
afterAll(async () => {
  await uninstallFastKernels('cpu');
});

/** Relative gap between the analytic and numerical directional derivatives of f at params. */
function directionalGap(
  f: (ps: tf.Tensor[]) => tf.Scalar,
  params: tf.Tensor[],
  eps: number,
  seed: number,
): number {
  return tf.tidy(() => {
    const dirs = params.map((p, i) => tf.tensor(seededArray(p.size, seed + i), p.shape));
    const grads = tf.grads((...ps: tf.Tensor[]) => f(ps))(params);
    const analytic = grads.reduce((s, g, i) => s + tf.sum(tf.mul(g, dirs[i]!)).dataSync()[0]!, 0);
    const at = (sign: number): number =>
      f(params.map((p, i) => tf.add(p, tf.mul(dirs[i]!, sign * eps)))).dataSync()[0]!;
    const numeric = (at(1) - at(-1)) / (2 * eps);
    return Math.abs(analytic - numeric) / Math.max(1e-6, Math.abs(analytic));
  });
}

const t4 = (shape: number[], seed: number): tf.Tensor4D =>
  tf.tensor4d(
    seededArray(
      shape.reduce((a, b) => a * b),
      seed,
    ),
    shape as [number, number, number, number],
  );

test('conv2d (3x3 same, 2x2 stride 2) and conv2dTranspose: gradients match central differences', () => {
  const r1 = t4([2, 6, 6, 5], 9);
  const conv = (ps: tf.Tensor[]): tf.Scalar =>
    tf.sum(tf.mul(tf.conv2d(ps[0] as tf.Tensor4D, ps[1] as tf.Tensor4D, 1, 'same'), r1));
  expect(directionalGap(conv, [t4([2, 6, 6, 3], 1), t4([3, 3, 3, 5], 2)], 1e-2, 10)).toBeLessThan(1e-3);
  const r2 = t4([2, 3, 3, 4], 11);
  const strided = (ps: tf.Tensor[]): tf.Scalar =>
    tf.sum(tf.mul(tf.conv2d(ps[0] as tf.Tensor4D, ps[1] as tf.Tensor4D, 2, 'valid'), r2));
  expect(directionalGap(strided, [t4([2, 6, 6, 3], 3), t4([2, 2, 3, 4], 4)], 1e-2, 20)).toBeLessThan(1e-3);
  const r3 = t4([1, 8, 6, 3], 12);
  const up = (ps: tf.Tensor[]): tf.Scalar =>
    tf.sum(
      tf.mul(tf.conv2dTranspose(ps[0] as tf.Tensor4D, ps[1] as tf.Tensor4D, [1, 8, 6, 3], 2, 'valid'), r3),
    );
  expect(directionalGap(up, [t4([1, 4, 3, 6], 5), t4([2, 2, 3, 6], 6)], 1e-2, 30)).toBeLessThan(1e-3);
});

test('small U-Net with Dice + cross-entropy: gradient matches central differences', () => {
  const model = UNet.create({ levels: 3, base: 4, inChannels: 1, labels: 1 }, 3);
  const x = t4([2, 8, 8, 1], 7);
  const y = tf.cast(tf.greater(x, 0.3), 'float32') as tf.Tensor4D;
  const vars = model.variables;
  const loss = (): tf.Scalar => segmentationLoss(model.apply(x), y);
  // Along the gradient itself: a random direction's derivative is tiny beside the loss, and float32
  // central differences then measure rounding (the same with tfjs's own kernels).
  const { grads } = tf.variableGrads(loss, vars);
  const norm = Math.sqrt(vars.reduce((s, v) => s + tf.sum(tf.square(grads[v.name]!)).dataSync()[0]!, 0));
  const dirs = vars.map((v) => tf.div(grads[v.name]!, norm));
  const start = vars.map((v) => v.clone());
  const eps = 1e-3;
  const at = (sign: number): number => {
    vars.forEach((v, i) => v.assign(tf.add(start[i]!, tf.mul(dirs[i]!, sign * eps))));
    return tf.tidy(() => loss().dataSync()[0]!);
  };
  const numeric = (at(1) - at(-1)) / (2 * eps);
  model.dispose();
  expect(Math.abs(norm - numeric) / norm).toBeLessThan(1e-2);
});

test('small U-Net: every gradient from the fast kernels equals tfjs cpu kernels', async () => {
  const gradsWith = async (fast: boolean): Promise<Float32Array[]> => {
    await activateCpu({ threads: 2, fastKernels: fast });
    const model = UNet.create({ levels: 3, base: 4, inChannels: 2, labels: 2 }, 5);
    const x = t4([2, 8, 8, 2], 8);
    // Labels 0..2 per pixel, one-hot: [2, 8, 8, 3].
    const y = tf.tidy(() =>
      tf.oneHot(tf.reshape(tf.cast(tf.mul(tf.add(t4([2, 8, 8, 1], 9), 1), 1.4), 'int32'), [2, 8, 8]), 3),
    );
    const { grads } = tf.variableGrads(
      () => segmentationLoss(model.apply(x), y as tf.Tensor4D),
      model.variables,
    );
    const out = model.variables.map((v) => grads[v.name]!.dataSync() as Float32Array);
    model.dispose();
    return out;
  };
  const ref = await gradsWith(false);
  const got = await gradsWith(true);
  got.forEach((g, i) => expectClose(g, ref[i]!, 1e-4));
});
