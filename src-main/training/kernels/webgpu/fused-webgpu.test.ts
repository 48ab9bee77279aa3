// The fused webgpu path against tfjs's unfused ops on cpu: the one-kernel Adam step (weights and moments
// after every step), the conv + bias + ReLU op (value and the three gradients), and U-Net training steps.
// Needs a WebGPU adapter through Dawn: Debian's Chromium ships SwiftShader (a CPU Vulkan) and its Vulkan
// loader (run with LD_LIBRARY_PATH=/usr/lib/chromium where libvulkan1 is not installed); with no adapter
// the tests are reported as skipped, with Dawn's reason in their names. Shapes are tiny: SwiftShader is slow.
import { expect, test } from 'vitest';
import { tf } from '../../backends/tfjs';
import { selectBackend } from '../../backends/select-backend';
import { adam } from '../../engine/train-step';
import { WeightAverage } from '../../engine/weight-average';
import { UNet } from '../../model/unet';
import { segmentationLoss } from '../../model/loss';
import { convBiasRelu, hasFusedConvGrad } from '../fused-conv-op';
import { adamSteps, expectClose, seededArray, stepKernels } from '../test-support';
import { testAdapter } from './test-adapter';

const adapter = await testAdapter();
const needs = adapter.needs;
const onGpu = { allowSoftwareGpu: true };

test.skipIf(!adapter.ok)(`the fused Adam step on webgpu follows tfjs's Adam on cpu (${needs})`, async () => {
  await selectBackend('cpu', { fastKernels: false });
  const ref = await adamSteps(tf.train.adam(0.05));
  await selectBackend('webgpu', onGpu);
  // The fused step runs no tfjs op: tfjs's update shows Sqrt among the step's kernels, the fused one not.
  process.env['CONCORD_WEBGPU_FUSED'] = '0';
  try {
    await selectBackend('webgpu', onGpu);
    expect(await stepKernels()).toContain('Sqrt');
  } finally {
    delete process.env['CONCORD_WEBGPU_FUSED'];
  }
  await selectBackend('webgpu', onGpu);
  expect(await stepKernels()).not.toContain('Sqrt');
  const fused = await adamSteps(adam(0.05));
  expect(fused.length).toBe(ref.length);
  fused.forEach((step, k) => step.forEach((t, i) => expectClose(t, ref[k]![i]!, 2e-6)));
});

const CONVS: [number[], number[]][] = [
  [
    [2, 5, 6, 1],
    [3, 3, 1, 4],
  ],
  [
    [1, 4, 4, 3],
    [3, 3, 3, 5],
  ],
];

function convValueAndGrads(xs: number[], ws: number[]): Promise<Float32Array[]> {
  const out = tf.tidy(() => {
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
    return [y, ...grads];
  });
  return Promise.all(out.map(async (t) => Float32Array.from(await t.data()))).finally(() => tf.dispose(out));
}

test.skipIf(!adapter.ok)(
  `conv + bias + ReLU: the fused op on webgpu equals tfjs's unfused ops on cpu (${needs})`,
  async () => {
    await selectBackend('cpu', { fastKernels: false });
    const ref = await Promise.all(CONVS.map(([x, w]) => convValueAndGrads(x, w)));
    process.env['CONCORD_WEBGPU_FUSED'] = '0';
    try {
      await selectBackend('webgpu', onGpu);
      expect(hasFusedConvGrad()).toBe(false);
    } finally {
      delete process.env['CONCORD_WEBGPU_FUSED'];
    }
    await selectBackend('webgpu', onGpu);
    expect(hasFusedConvGrad()).toBe(true);
    for (const [i, [x, w]] of CONVS.entries()) {
      const got = await convValueAndGrads(x, w);
      got.forEach((g, k) => expectClose(g, ref[i]![k]!, 1e-5));
    }
  },
);

/** Four steps of a tiny U-Net under a moving average of its weights: the losses, the weights, the average
 *  (whose tensors start as clones sharing the weights' buffers: an in-place update must not touch those). */
async function unetSteps(opt: tf.Optimizer): Promise<Float32Array[]> {
  const model = UNet.create({ levels: 2, base: 4, inChannels: 1, labels: 1 }, 5);
  const average = new WeightAverage(model, 0.9);
  const x = tf.tensor4d(seededArray(2 * 8 * 8, 3), [2, 8, 8, 1]);
  const y = tf.cast(tf.greater(x, 0.1), 'float32') as tf.Tensor4D;
  const losses: number[] = [];
  for (let i = 0; i < 4; i++) {
    const l = opt.minimize(() => segmentationLoss(model.apply(x), y), true, model.variables)!;
    losses.push((await l.data())[0]!);
    l.dispose();
    average.update();
  }
  const weights = (await model.weights()).map((w) => w.values);
  const averaged = (await average.values()).map((w) => w.values);
  average.dispose();
  model.dispose();
  opt.dispose();
  tf.dispose([x, y]);
  return [Float32Array.from(losses), ...weights, ...averaged];
}

test.skipIf(!adapter.ok)(
  `U-Net steps on the fused webgpu path give cpu's unfused losses, weights and average (${needs})`,
  async () => {
    await selectBackend('cpu', { fastKernels: false });
    const ref = await unetSteps(tf.train.adam(1e-2));
    await selectBackend('webgpu', onGpu);
    expect(hasFusedConvGrad()).toBe(true);
    const got = await unetSteps(adam(1e-2));
    expect(got[0]![3]).toBeLessThan(got[0]![0]!);
    got.forEach((g, i) => expectClose(g, ref[i]!, 1e-4));
  },
);
