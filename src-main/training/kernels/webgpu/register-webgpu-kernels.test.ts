// The chunked WebGPU filter gradient against tfjs's own webgpu kernel and its cpu reference, and a few
// training steps on webgpu against the same steps on cpu. Needs a WebGPU adapter through Dawn: Debian's
// Chromium ships SwiftShader (a CPU Vulkan), used when present so the check runs on GPU-less machines;
// with neither a GPU nor SwiftShader the tests are reported as skipped, with Dawn's reason in their names.
import { expect, test } from 'vitest';
import { tf } from '../../backends/tfjs';
import { selectBackend } from '../../backends/select-backend';
import { UNet } from '../../model/unet';
import { segmentationLoss } from '../../model/loss';
import { expectClose, seededArray } from '../test-support';
import { testAdapter } from './test-adapter';

const adapter = await testAdapter();
const needs = adapter.needs;

const geometries: {
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: number;
  pad: 'same' | 'valid';
}[] = [
  { x: [2, 9, 11, 3], f: [3, 3, 3, 8], s: 1, pad: 'same' },
  { x: [2, 8, 8, 8], f: [2, 2, 8, 4], s: 2, pad: 'valid' },
  { x: [1, 5, 7, 16], f: [1, 1, 16, 1], s: 1, pad: 'valid' },
  { x: [2, 6, 6, 1], f: [3, 3, 1, 8], s: 1, pad: 'same' },
  { x: [2, 8, 10, 4], f: [2, 2, 4, 8], s: 2, pad: 'valid' },
];

/** The input gradient (Conv2DBackpropInput) of each geometry: naive or matrix-multiply program. */
async function inputGrads(): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const [i, g] of geometries.entries()) {
    const w = tf.tensor4d(
      seededArray(
        g.f.reduce((a, b) => a * b),
        i + 20,
      ),
      g.f,
    );
    const y = tf.conv2d(tf.zeros(g.x) as tf.Tensor4D, w, g.s, g.pad);
    const dy = tf.tensor(seededArray(y.size, i + 30), y.shape);
    const attrs = { strides: g.s, pad: g.pad, dataFormat: 'NHWC', inputShape: g.x };
    out.push(
      (await (
        tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, attrs) as tf.Tensor
      ).data()) as Float32Array,
    );
  }
  return out;
}

async function filterGrads(): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const [i, g] of geometries.entries()) {
    const x = tf.tensor4d(
      seededArray(
        g.x.reduce((a, b) => a * b),
        i + 1,
      ),
      g.x,
    );
    const y = tf.conv2d(x, tf.zeros(g.f) as tf.Tensor4D, g.s, g.pad);
    const dy = tf.tensor(seededArray(y.size, i + 10), y.shape);
    const attrs = { strides: g.s, pad: g.pad, dataFormat: 'NHWC', filterShape: g.f };
    out.push(
      (await (
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor
      ).data()) as Float32Array,
    );
  }
  return out;
}

async function threeSteps(): Promise<number[]> {
  const model = UNet.create({ levels: 3, base: 4, inChannels: 1, labels: 1 }, 7);
  const opt = tf.train.adam(1e-2);
  const x = tf.tensor4d(seededArray(2 * 16 * 16, 3), [2, 16, 16, 1]);
  const y = tf.cast(tf.greater(x, 0.2), 'float32') as tf.Tensor4D;
  const losses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const l = opt.minimize(() => segmentationLoss(model.apply(x), y), true, model.variables)!;
    losses.push((await l.data())[0]!);
  }
  model.dispose();
  return losses;
}

test.skipIf(!adapter.ok)(
  `webgpu chunked filter gradient equals tfjs's and the cpu reference (${needs})`,
  async () => {
    await selectBackend('cpu', { fastKernels: false });
    const ref = await filterGrads();
    await selectBackend('webgpu', { allowSoftwareGpu: true, fastKernels: false });
    const stock = await filterGrads();
    await selectBackend('webgpu', { allowSoftwareGpu: true });
    const chunked = await filterGrads();
    chunked.forEach((c, i) => {
      expectClose(c, ref[i]!, 1e-5);
      expectClose(stock[i]!, ref[i]!, 1e-5);
    });
  },
);

test.skipIf(!adapter.ok)(
  `webgpu input gradient (naive default and matrix multiply) equals the cpu reference (${needs})`,
  async () => {
    await selectBackend('cpu', { fastKernels: false });
    const ref = await inputGrads();
    await selectBackend('webgpu', { allowSoftwareGpu: true });
    expect(tf.env().getBool('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE')).toBe(true); // the default: naive
    const naive = await inputGrads();
    process.env['CONCORD_WEBGPU_MM_INPUT_GRAD'] = '1';
    try {
      await selectBackend('webgpu', { allowSoftwareGpu: true });
      expect(tf.env().getBool('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE')).toBe(false);
      const mm = await inputGrads();
      mm.forEach((c, i) => expectClose(c, ref[i]!, 1e-5));
      naive.forEach((c, i) => expectClose(c, ref[i]!, 1e-5));
    } finally {
      delete process.env['CONCORD_WEBGPU_MM_INPUT_GRAD'];
    }
  },
);

test.skipIf(!adapter.ok)(`three training steps on webgpu give the losses of cpu (${needs})`, async () => {
  await selectBackend('cpu', { fastKernels: false });
  const cpu = await threeSteps();
  await selectBackend('webgpu', { allowSoftwareGpu: true });
  const gpu = await threeSteps();
  expectClose(gpu, cpu, 1e-4);
  expect(gpu[2]).toBeLessThan(gpu[0]!);
});
