// bench quality end to end on a tiny synthetic pack (a bright disc = the vote), a tiny U-Net on the cpu
// backend: the pack is read, augmentation and the time budget apply, a result is reported after every
// epoch (partial) and at the end, and a pack whose votes were made with other ties is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { tf } from '../../training/backends/tfjs';
import { NNUNET_2D_DEFAULTS } from '../../training/augment/augment-config';
import { writeLidcPack } from '../lidc/lidc-pack';
import type { SliceSample } from '../lidc/lidc-slices';
import { SeededRandom } from '../../training/model/seeded-random';
import { PNG } from 'pngjs';
import { agreementThreshold, runQualityBenchmark, type QualityResult } from './quality-benchmark';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-quality-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
  const r = new SeededRandom(1);
  const S = 16;
  const slices: SliceSample[] = [];
  for (let p = 0; p < 6; p++)
    for (let k = 0; k < 3; k++) {
      const cx = 5 + r.int(6);
      const cy = 5 + r.int(6);
      const image = new Uint8Array(S * S);
      const target = new Uint8Array(S * S);
      for (let y = 0; y < S; y++)
        for (let x = 0; x < S; x++) {
          const inside = k > 0 && (x - cx) ** 2 + (y - cy) ** 2 <= 9;
          target[x + y * S] = inside ? 1 : 0;
          image[x + y * S] = Math.max(0, Math.min(255, (inside ? 200 : 60) + Math.round(20 * r.normal())));
        }
      slices.push({
        patient: `LIDC-IDRI-000${p}`,
        nodule: 'nodule-0',
        slice: `slice-${k}`,
        width: S,
        height: S,
        image,
        target,
        ratersMarking: k > 0 ? 4 : 0,
      });
    }
  writeLidcPack(slices, dir, { ties: 'background', source: 'synthetic' });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** One plain epoch of a tiny net on the synthetic pack (for the refusals). */
const oneEpoch = {
  dataDir: dir,
  epochs: 1,
  batchSize: 4,
  learningRate: 1e-3,
  seed: 2,
  validationFraction: 0.34,
  augment: false,
  ties: 'background' as const,
  cosine: false,
  config: { levels: 2, base: 4, inChannels: 1, labels: 1 },
};

test('trains on a pack with augmentation, reports each epoch, plans epochs within a budget', async () => {
  const partial: QualityResult[] = [];
  const r = await runQualityBenchmark({
    dataDir: dir,
    epochs: 3,
    batchSize: 4,
    learningRate: 3e-3,
    seed: 2,
    validationFraction: 0.34,
    augment: true,
    augmentation: NNUNET_2D_DEFAULTS,
    augmentationName: 'nnunet',
    foregroundFraction: 0.5,
    budgetSeconds: 600,
    ties: 'background',
    cosine: true,
    config: { levels: 2, base: 4, inChannels: 1, labels: 1 },
    onEpochResult: (p) => partial.push(p),
  });
  expect(r.data.patients).toBe(6);
  expect(r.data.validationPatients).toHaveLength(2);
  expect(r.data.trainSlices + r.data.validationSlices).toBe(18);
  expect(r.perEpoch).toHaveLength(3);
  expect(partial).toHaveLength(3);
  expect(partial.every((p) => p.partial)).toBe(true);
  expect(r.partial).toBe(false);
  expect(r.training.augmentation).toBe('nnunet');
  expect(r.training.budgetSeconds).toBe(600);
  expect(r.final.validationDice).toBeGreaterThanOrEqual(0);
  expect(Object.keys(r.final.perPatientDice)).toHaveLength(2);
  await expect(runQualityBenchmark({ ...oneEpoch, ties: 'foreground' })).rejects.toThrow(/ties 'background'/);
});

test('2.5D on windows with test-time augmentation: 3 input channels, whole-slice validation', async () => {
  const r = await runQualityBenchmark({
    dataDir: dir,
    epochs: 2,
    batchSize: 4,
    learningRate: 3e-3,
    seed: 2,
    validationFraction: 0.34,
    augment: true,
    foregroundFraction: 0.5,
    patch: 8,
    neighbours: 1,
    tta: true,
    ties: 'background',
    cosine: true,
    config: { levels: 2, base: 4, inChannels: 1, labels: 1 },
  });
  expect(r.model.config.inChannels).toBe(3);
  expect(r.training.neighbours).toBe(1);
  expect(r.training.patch).toBe(8);
  expect(r.training.tta).toBe(true);
  expect(r.perEpoch).toHaveLength(2);
  // The final figure is the TTA one; the last epoch's plain validation is kept beside it.
  expect(r.final.withoutTta).toBe(r.perEpoch[1]!.validationDice);
  expect(r.data.validationSlices).toBe(6);
  expect(Number.isFinite(r.final.validationDice)).toBe(true);
  for (const patch of [7, 32])
    await expect(runQualityBenchmark({ ...oneEpoch, patch })).rejects.toThrow(
      /patch .* must fit the 16-pixel slices and be a multiple of 2/,
    );
});

test('centre plane: one more input channel; keep-centre: the Dice before it too; the weight average recorded', async () => {
  const r = await runQualityBenchmark({
    ...oneEpoch,
    epochs: 2,
    patch: 8,
    centreChannel: true,
    keepCentre: 4,
    averageDecay: 0.9,
  });
  expect(r.model.config.inChannels).toBe(2);
  expect(r.training.centreChannel).toBe(true);
  expect(r.training.keepCentre).toBe(4);
  expect(r.training.averageDecay).toBe(0.9);
  expect(r.perEpoch.every((e) => Number.isFinite(e.unprocessedDice))).toBe(true);
  expect(Number.isFinite(r.final.unprocessedDice)).toBe(true);
  const plain = await runQualityBenchmark(oneEpoch);
  expect(plain.training.centreChannel).toBe(false);
  expect(plain.training.keepCentre).toBeNull();
  expect(plain.training.averageDecay).toBeNull();
  expect(plain.final.unprocessedDice).toBeUndefined();
  // With augment/'s transforms the plane rides along as a position channel.
  const augmented = await runQualityBenchmark({
    ...oneEpoch,
    augment: true,
    augmentation: NNUNET_2D_DEFAULTS,
    centreChannel: true,
  });
  expect(augmented.model.config.inChannels).toBe(2);
  await expect(runQualityBenchmark({ ...oneEpoch, keepCentre: -1 })).rejects.toThrow(/radius/);
});

/** A grey 8-bit PNG of side S. */
function writeGrey(file: string, S: number, data: Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const png = new PNG({ width: S, height: S, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(data);
  fs.writeFileSync(file, PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}

test("agreement target: trains on the raters' share read from PNGs, validates at the matching threshold", async () => {
  expect(agreementThreshold(4, 'background')).toBe(0.625); // between 2 of 4 (left out) and 3 of 4 (kept)
  expect(agreementThreshold(4, 'foreground')).toBe(0.375);
  expect(agreementThreshold(3, 'background')).toBe(0.5);
  expect(agreementThreshold(3, 'foreground')).toBe(0.5);
  // The LIDC layout: 6 patients, 3 slices each, a bright disc outlined by 4 raters with radii 2..5.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-quality-png-'));
  try {
    const S = 16;
    const r = new SeededRandom(3);
    for (let p = 0; p < 6; p++)
      for (let k = 0; k < 3; k++) {
        const base = path.join(root, `LIDC-IDRI-000${p}`, 'nodule-0');
        const disc = (radius: number): Uint8Array =>
          Uint8Array.from({ length: S * S }, (_, i) =>
            ((i % S) - 8) ** 2 + (Math.floor(i / S) - 8) ** 2 <= radius * radius ? 255 : 0,
          );
        const image = Uint8Array.from(disc(3.5), (v) =>
          Math.max(0, Math.min(255, (v ? 200 : 60) + Math.round(20 * r.normal()))),
        );
        writeGrey(path.join(base, 'images', `slice-${k}.png`), S, image);
        for (let m = 0; m < 4; m++) writeGrey(path.join(base, `mask-${m}`, `slice-${k}.png`), S, disc(2 + m));
      }
    const soft = await runQualityBenchmark({ ...oneEpoch, dataDir: root, target: 'agreement' });
    expect(soft.training.target).toBe('agreement');
    expect(soft.training.threshold).toBe(0.625);
    expect(Number.isFinite(soft.final.validationDice)).toBe(true);
    const told = await runQualityBenchmark({
      ...oneEpoch,
      dataDir: root,
      target: 'agreement',
      threshold: 0.4,
    });
    expect(told.training.threshold).toBe(0.4);
    const vote = await runQualityBenchmark({ ...oneEpoch, dataDir: root, init: 'fan-in-uniform' });
    expect([vote.training.target, vote.training.threshold]).toEqual(['vote', 0.5]);
    expect([vote.model.init, soft.model.init]).toEqual(['fan-in-uniform', 'he-normal']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  // This pack holds the votes only (version 1): training on the agreement is refused before any training.
  await expect(runQualityBenchmark({ ...oneEpoch, target: 'agreement' })).rejects.toThrow(/PNG folder/);
  await expect(runQualityBenchmark({ ...oneEpoch, threshold: 1 })).rejects.toThrow(/threshold/);
});
