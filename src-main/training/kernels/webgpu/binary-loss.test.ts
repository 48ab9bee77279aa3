// The fused one-label loss on webgpu against model/loss.ts's op-by-op loss on cpu: the value and the
// gradient with respect to the logits, with and without pixel weights, for other loss weights, logits far
// into both tails, soft targets and a bool target (kept by tfjs in an int32 buffer). SwiftShader where no
// GPU is at hand.
import { expect, test } from 'vitest';
import { tf } from '../../backends/tfjs';
import { selectBackend } from '../../backends/select-backend';
import { segmentationLoss, type LossWeights } from '../../model/loss';
import { hasFusedBinaryLoss } from '../fused-loss-op';
import { countGpuCommands } from './gpu-commands';
import { expectClose, seededArray } from '../test-support';
import { testAdapter } from './test-adapter';

const adapter = await testAdapter();
const SHAPE: [number, number, number, number] = [2, 9, 7, 1];
const N = 2 * 9 * 7;

interface Case {
  name: string;
  weights: LossWeights;
  pixelWeights: boolean;
  target: 'soft' | 'bool';
}

const CASES: Case[] = [
  {
    name: 'default weights, bool target',
    weights: { crossEntropy: 1, dice: 1 },
    pixelWeights: false,
    target: 'bool',
  },
  {
    name: 'other weights, soft target',
    weights: { crossEntropy: 0.3, dice: 2 },
    pixelWeights: false,
    target: 'soft',
  },
  { name: 'pixel weights', weights: { crossEntropy: 1, dice: 1 }, pixelWeights: true, target: 'soft' },
];

/** Loss and d loss / d logits; logits spread over ±30 with some near 0. */
async function lossAndGrad(c: Case): Promise<Float32Array[]> {
  const logits = tf.tensor4d(
    seededArray(N, 7).map((u, i) => (i % 5 === 0 ? 30 * u : 3 * u)),
    SHAPE,
  );
  const raw = tf.tensor4d(
    seededArray(N, 8).map((u) => (u + 1) / 2),
    SHAPE,
  );
  const target = (c.target === 'bool' ? tf.greater(raw, 0.5) : raw) as tf.Tensor4D;
  const v = c.pixelWeights
    ? tf.tensor4d(
        seededArray(N, 9).map((u) => (u + 1) / 2),
        SHAPE,
      )
    : undefined;
  const f = (z: tf.Tensor): tf.Scalar =>
    segmentationLoss(z as tf.Tensor4D, tf.cast(target, 'float32') as tf.Tensor4D, c.weights, v);
  const { value, grad } = tf.valueAndGrad(f)(logits);
  const out = [(await value.data()) as Float32Array, (await grad.data()) as Float32Array];
  tf.dispose([logits, raw, target, value, grad, ...(v ? [v] : [])]);
  return out;
}

for (const c of CASES)
  test.skipIf(!adapter.ok)(
    `fused loss on webgpu equals the ops on cpu: ${c.name} (${adapter.needs})`,
    async () => {
      await selectBackend('cpu', { fastKernels: false });
      const ref = await lossAndGrad(c);
      await selectBackend('webgpu', { allowSoftwareGpu: true });
      expect(hasFusedBinaryLoss()).toBe(true);
      const before = tf.memory().numTensors;
      const got = await lossAndGrad(c);
      expect(tf.memory().numTensors).toBe(before);
      expectClose(got[0]!, ref[0]!, 1e-5);
      expectClose(got[1]!, ref[1]!, 1e-5);
    },
  );

test.skipIf(!adapter.ok)(
  `the fused loss and its gradient take three dispatches (${adapter.needs})`,
  async () => {
    await selectBackend('webgpu', { allowSoftwareGpu: true });
    const z = tf.tensor4d(seededArray(N, 3), SHAPE);
    const y = tf.tensor4d(
      seededArray(N, 4).map((u) => (u > 0 ? 1 : 0)),
      SHAPE,
    );
    await Promise.all([z.data(), y.data()]);
    const counter = countGpuCommands()!;
    const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => segmentationLoss(t as tf.Tensor4D, y))(z);
    // tfjs's own backward seeds the upstream gradient with one fill (ones) dispatch.
    expect(counter.stop().dispatches).toBeLessThanOrEqual(4);
    expect(Number.isFinite((await value.data())[0])).toBe(true);
    tf.dispose([z, y, value, grad]);
  },
);
