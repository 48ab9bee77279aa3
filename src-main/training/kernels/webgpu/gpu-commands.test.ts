// The GPU command counter on webgpu (SwiftShader where no GPU is at hand): one dispatch for one tfjs
// program, the backend's own methods back after `stop`, and a U-Net step's dispatches cut by the fused
// kernels (the figure `bench train --backend webgpu` reports per step).
import { expect, test } from 'vitest';
import { tf } from '../../backends/tfjs';
import { selectBackend } from '../../backends/select-backend';
import { adam, trainStep } from '../../engine/train-step';
import { testAdapter } from './test-adapter';
import { UNet } from '../../model/unet';
import { countGpuCommands } from './gpu-commands';

const adapter = await testAdapter();
const onGpu = { allowSoftwareGpu: true };

/** Dispatches of the second training step of a tiny U-Net (the first compiles and allocates). */
async function stepDispatches(): Promise<number> {
  await selectBackend('webgpu', onGpu);
  const model = UNet.create({ levels: 2, base: 4, inChannels: 1, labels: 1 }, 5);
  const opt = adam(1e-2);
  const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  const y = tf.cast(tf.greater(x, 0), 'float32') as tf.Tensor4D;
  let dispatches = 0;
  for (let i = 0; i < 2; i++) {
    const counter = countGpuCommands()!;
    const l = trainStep(model, opt, { x, y });
    dispatches = counter.stop().dispatches;
    await l.data();
    l.dispose();
  }
  tf.dispose([x, y]);
  opt.dispose();
  model.dispose();
  return dispatches;
}

test('no counter off webgpu', async () => {
  await selectBackend('cpu', { fastKernels: false });
  expect(countGpuCommands()).toBeNull();
});

test.skipIf(!adapter.ok)(`one dispatch per tfjs program, methods restored (${adapter.needs})`, async () => {
  await selectBackend('webgpu', onGpu);
  // Over tfjs's CPU hand-off threshold (1,000 elements), so the add runs on the GPU.
  const a = tf.fill([4096], 1.5);
  const b = tf.fill([4096], 2);
  await a.data();
  const device = (tf.backend() as unknown as { device: object }).device;
  const counter = countGpuCommands()!;
  expect(Object.hasOwn(device, 'createBindGroup')).toBe(true);
  const c = tf.add(a, b);
  const counts = counter.stop();
  expect(counts.dispatches).toBe(1);
  expect(Object.hasOwn(device, 'createBindGroup')).toBe(false);
  expect((await c.data())[4095]).toBe(3.5);
  tf.dispose([a, b, c]);
});

test.skipIf(!adapter.ok)(
  `the fused kernels cut a training step's dispatches (${adapter.needs})`,
  async () => {
    process.env['CONCORD_WEBGPU_FUSED'] = '0';
    let unfused: number;
    try {
      unfused = await stepDispatches();
    } finally {
      delete process.env['CONCORD_WEBGPU_FUSED'];
    }
    const fused = await stepDispatches();
    // The reference U-Net at 128x128, batch 16: 763 unfused, 171 fused (counted 2026-12-08).
    expect(fused).toBeLessThan(unfused / 2);
  },
);
