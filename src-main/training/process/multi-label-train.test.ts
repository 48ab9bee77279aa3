// One model learns two labels at once: tiny synthetic slices (16 x 16: a bright disc, label 1, and a
// mid-grey square, label 2, on a dark noisy background) through the trainer's own crops, the engine's
// train loop (softmax over background and the two labels, Dice + cross-entropy) and validation's Dice per
// label on held-out slices. Trained, both labels pass a bar that the same network untrained fails.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { activateCpu } from '../backends/cpu-backend';
import { trainLoop } from '../engine/train-loop';
import { uninstallFastKernels } from '../kernels/register-kernels';
import { SeededRandom } from '../model/seeded-random';
import { UNet } from '../model/unet';
import { cropBatches, inputScalingOf, sliceRefs, type SliceRef } from './crop-batches';
import { validationDice } from './evaluate-slices';

const S = 16;

/** `count` slices (bytes, i + j*S) and their two target planes (label 1's, then label 2's: 0 or 255). */
function slices(caseId: number, count: number, seed: number): SliceRef[] {
  const rnd = new SeededRandom(seed);
  const n = S * S;
  const images = new Uint8Array(count * n);
  const targets = new Uint8Array(count * 2 * n);
  for (let s = 0; s < count; s++) {
    const cx = 3 + rnd.int(5);
    const cy = 3 + rnd.int(10);
    const r = 2 + rnd.int(2);
    const sx = 9 + rnd.int(3);
    const sy = 2 + rnd.int(8);
    const side = 3 + rnd.int(2);
    for (let j = 0; j < S; j++)
      for (let i = 0; i < S; i++) {
        const p = i + j * S;
        const disc = (i - cx) ** 2 + (j - cy) ** 2 <= r * r;
        const square = !disc && i >= sx && i < sx + side && j >= sy && j < sy + side;
        const v = (disc ? 210 : square ? 120 : 30) + 12 * rnd.normal();
        images[s * n + p] = Math.max(0, Math.min(255, Math.round(v)));
        if (disc) targets[s * 2 * n + p] = 255;
        if (square) targets[s * 2 * n + n + p] = 255;
      }
  }
  return sliceRefs(caseId, images, targets, count, S, S, 1, 128, 2);
}

beforeAll(async () => {
  await activateCpu({ threads: 2 });
});
afterAll(async () => {
  await uninstallFastKernels('cpu');
});

describe('a model of two labels', () => {
  test('learns both: Dice per label on held-out slices above a bar the untrained network misses', async () => {
    const train = slices(1, 16, 7);
    const validation = slices(2, 6, 8);
    expect(train.every((s) => s.foreground.length > 0)).toBe(true);
    const source = cropBatches(train, {
      cropSize: S,
      batchSize: 4,
      seed: 3,
      foregroundFraction: 1 / 3,
      augment: null,
    });
    // Background and the two labels: three output channels, one-hot targets.
    expect(source.shape).toEqual([S, S, 1, 3]);
    const b = source.batch(0, 0);
    for (let p = 0; p < S * S; p++) expect(b.y[p * 3]! + b.y[p * 3 + 1]! + b.y[p * 3 + 2]!).toBe(1);

    const model = UNet.create(
      { levels: 2, base: 8, inChannels: 1, labels: 2, input: inputScalingOf(train) },
      5,
    );
    const before = await validationDice(model, validation);
    await trainLoop(model, source, { epochs: 30, learningRate: 1e-2 });
    const after = await validationDice(model, validation);
    model.dispose();
    const bar = 0.9;
    expect(Math.min(...before.perLabel!)).toBeLessThan(bar);
    expect(after.perLabel![0]).toBeGreaterThan(bar);
    expect(after.perLabel![1]).toBeGreaterThan(bar);
    // The run's figure is the labels' mean, overall and per case.
    expect(after.dice).toBeCloseTo((after.perLabel![0]! + after.perLabel![1]!) / 2, 10);
    expect(Object.keys(after.perCase)).toEqual(['2']);
  }, 120_000);
});
