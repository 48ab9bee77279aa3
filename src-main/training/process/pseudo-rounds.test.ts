// The trainer's side of pseudo-labels: weighted crops (with and without augmentation), the mixed batches
// (labelled crops until a round exists, then pseudo-labelled ones appended with their weights),
// labelling slices with a model (soft targets, with and without the flips) and the round file a resumed run reads back.
import { beforeAll, expect, test } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { NNUNET_2D_DEFAULTS } from '../augment/augment-config';
import { tf } from '../backends/tfjs';
import { UNet } from '../model/unet';
import { cropBatches, sliceRefs, type SliceRef } from './crop-batches';
import { foregroundByte } from '../data/pseudo-labels';
import { foregroundProbability } from './evaluate-slices';
import {
  foregroundShareOf,
  labelSlices,
  mixedBatches,
  PseudoRounds,
  pseudoSource,
  readPseudo,
  writePseudo,
} from './pseudo-rounds';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const N = 16;

/** Slices of N x N pixels with a bright square (rows and columns 4..9) on a dark background. */
function slices(caseId: number, count: number): SliceRef[] {
  const images = new Uint8Array(count * N * N).fill(20);
  const targets = new Uint8Array(count * N * N);
  for (let s = 0; s < count; s++)
    for (let j = 4; j < 10; j++)
      for (let i = 4; i < 10; i++) {
        images[s * N * N + i + j * N] = 220;
        targets[s * N * N + i + j * N] = 255;
      }
  return sliceRefs(caseId, images, targets, count, N, N);
}

/** Three slices of case 7 as an unlabelled case holds them: no target, no foreground. */
function unlabelledSlices(): SliceRef[] {
  return slices(7, 3).map((s) => ({ ...s, target: new Uint8Array(N * N), foreground: new Uint32Array() }));
}

/** The same slices as pseudo-labelled: weight 200/255 on the left half, 0 on the right. */
function weighted(refs: SliceRef[]): SliceRef[] {
  return refs.map((r) => {
    const weight = new Uint8Array(N * N);
    for (let j = 0; j < N; j++) for (let i = 0; i < N / 2; i++) weight[i + j * N] = 200;
    return { ...r, weight };
  });
}

const opts = { cropSize: N, batchSize: 4, seed: 5, foregroundFraction: 0, augment: null };

test('crops of labelled slices carry no weights; pseudo-labelled crops carry theirs', () => {
  const plain = cropBatches(slices(1, 4), opts).batch(0, 0);
  expect(plain.w).toBeUndefined();
  const b = cropBatches(weighted(slices(1, 4)), opts).batch(0, 0);
  expect(b.w).toBeDefined();
  // Mirroring may flip a crop: each crop's weights are 200/255 on one half and 0 on the other.
  for (let s = 0; s < 4; s++) {
    const w = b.w!.subarray(s * N * N, (s + 1) * N * N);
    const values = new Set([...w].map((v) => Math.round(v * 255)));
    expect(values).toEqual(new Set([0, 200]));
    expect(w.filter((v) => v > 0).length).toBe((N * N) / 2);
  }
});

test('augmented weighted crops keep the images and targets of the unweighted ones', () => {
  const o = { ...opts, augment: NNUNET_2D_DEFAULTS };
  const a = cropBatches(slices(1, 4), o).batch(3, 0);
  const b = cropBatches(weighted(slices(1, 4)), o).batch(3, 0);
  // The weights ride along as a position channel: same random draws, same image and target.
  expect(b.x).toEqual(a.x);
  expect(b.y).toEqual(a.y);
  expect(b.w!.every((v) => v >= 0 && v <= 1)).toBe(true);
  expect(b.w!.some((v) => v > 0.5)).toBe(true);
});

test('mixed batches: labelled until a round exists, then pseudo crops appended after all the labelled', () => {
  const labelled = cropBatches(slices(1, 8), opts);
  let current: { source: ReturnType<typeof cropBatches>; slices: number } | null = null;
  const mixed = mixedBatches(labelled, 8, () => current);
  const before = mixed.batch(0, 1);
  expect(before).toEqual(labelled.batch(0, 1));
  expect(before.w).toBeUndefined();
  const l = labelled.batch(0, 1);
  const px = N * N;
  const check = (pseudoSlices: number, k: number): void => {
    const source = pseudoSource(weighted(slices(2, pseudoSlices)), opts, 1);
    current = { source, slices: pseudoSlices };
    const after = mixed.batch(0, 1);
    const p = source.batch(0, 1);
    // The 4 labelled crops first, unchanged and weighing 1, then k pseudo-labelled ones with their weights.
    expect(after.n).toBe(4 + k);
    expect(after.x.length).toBe((4 + k) * px);
    expect(after.x.subarray(0, 4 * px)).toEqual(l.x);
    expect(after.y.subarray(0, 4 * px)).toEqual(l.y);
    expect(after.x.subarray(4 * px)).toEqual(p.x.subarray(0, k * px));
    expect(after.y.subarray(4 * px)).toEqual(p.y.subarray(0, k * px));
    expect(after.w!.subarray(0, 4 * px).every((v) => v === 1)).toBe(true);
    expect(after.w!.subarray(4 * px)).toEqual(p.w!.subarray(0, k * px));
  };
  // 24 pseudo slices beside 8 labelled: as many pseudo crops as labelled ones (the most); 4 beside 8: half.
  check(24, 4);
  check(4, 2);
});

test('a model labels the slices; the round file gives them back for that round only', async () => {
  const model = UNet.create({ levels: 2, base: 2, inChannels: 1, labels: 1 }, 3);
  const unlabelled = unlabelledSlices();
  const opts = { threshold: 0.5, minConfidence: 0, round: 2, epoch: 6, soft: true };
  const { refs, stats } = await labelSlices(model, unlabelled, opts);
  // With the flips the targets are the 4 views' mean probability, as bytes.
  const flipped = await labelSlices(model, unlabelled, { ...opts, tta: true });
  const mean = await foregroundProbability(model, unlabelled[1]!.image, N, N, true);
  const plain = await foregroundProbability(model, unlabelled[1]!.image, N, N);
  model.dispose();
  expect([...flipped.refs[1]!.target]).toEqual([...mean].map((p) => Math.round(p * 255)));
  expect([...refs[1]!.target]).toEqual([...plain].map((p) => Math.round(p * 255)));
  expect(stats).toMatchObject({ round: 2, epoch: 6, cases: 1, slices: 3 });
  // A floor of 0: every pixel is confident, and the weights are the confidence.
  expect(stats.confidentFraction).toBe(1);
  expect(refs.every((r) => r.weight!.every((w) => w >= 1))).toBe(true);
  // Soft targets: foreground is p >= 0.5, target bytes >= 128.
  expect(foregroundByte(0.5)).toBe(128);
  expect(foregroundByte(0.625)).toBe(160);
  const fg = refs.reduce((s, r) => s + r.target.filter((v) => v >= 128).length, 0);
  expect(fg).toBeGreaterThan(0);
  expect(stats.foregroundPixels).toBe(fg);
  expect(refs.every((r) => r.foreground.length === r.target.filter((v) => v >= 128).length)).toBe(true);
  const dir = tempDir('concord-pseudo-');
  writePseudo(dir, refs, stats);
  const back = readPseudo(dir, unlabelled, 2)!;
  expect(back.stats).toEqual(stats);
  expect(back.refs.map((r) => [...r.target])).toEqual(refs.map((r) => [...r.target]));
  expect(back.refs.map((r) => [...r.weight!])).toEqual(refs.map((r) => [...r.weight!]));
  expect(back.refs.map((r) => [...r.foreground])).toEqual(refs.map((r) => [...r.foreground]));
  expect(readPseudo(dir, unlabelled, 3)).toBeNull();
  expect(readPseudo(dir, unlabelled.slice(1), 2)).toBeNull();
});

test('aligned pseudo-labels (hard, as the trainer makes them) mark the labelled share of the pixels', async () => {
  const model = UNet.create({ levels: 2, base: 2, inChannels: 1, labels: 1 }, 3);
  const unlabelled = unlabelledSlices();
  const labelledRefs = slices(1, 4);
  const share = foregroundShareOf(labelledRefs);
  const marked = labelledRefs.reduce((s, r) => s + r.target.filter((v) => v >= 128).length, 0);
  expect(share).toBeCloseTo(marked / (4 * N * N), 12);
  expect(share).toBeGreaterThan(0);
  const opts = { threshold: 0.625, minConfidence: 0, round: 1, epoch: 2 };
  const { stats, refs } = await labelSlices(model, unlabelled, { ...opts, foregroundShare: share });
  const plain = await labelSlices(model, unlabelled, opts);
  // Too many pixels to keep: the probabilities are computed twice, with the same labels.
  const twice = await labelSlices(model, unlabelled, {
    ...opts,
    foregroundShare: share,
    keepProbabilityBytes: 0,
  });
  model.dispose();
  expect(twice.stats).toEqual(stats);
  expect(twice.refs.map((r) => [...r.target])).toEqual(refs.map((r) => [...r.target]));
  expect(twice.refs.map((r) => [...r.weight!])).toEqual(refs.map((r) => [...r.weight!]));
  expect(stats.alignedAt).toBeGreaterThan(0);
  expect(plain.stats.alignedAt).toBeUndefined();
  // The random network's probabilities are not tied to 1/1000, so the share is met within a few pixels.
  const pixels = 3 * N * N;
  expect(Math.abs(stats.foregroundPixels - share * pixels)).toBeLessThanOrEqual(0.01 * pixels);
  expect(refs.reduce((s, r) => s + r.foreground.length, 0)).toBe(stats.foregroundPixels);
  expect(refs.every((r) => r.target.every((v) => v === 0 || v === 255))).toBe(true);
  expect(refs.reduce((s, r) => s + r.target.filter((v) => v === 255).length, 0)).toBe(stats.foregroundPixels);
});

test('a round whose labels mark no foreground is skipped: its epochs train on the labelled cases only', async () => {
  const model = UNet.create({ levels: 2, base: 2, inChannels: 1, labels: 1 }, 3);
  const unlabelled = unlabelledSlices();
  const lines: string[] = [];
  const rounds = new PseudoRounds(tempDir('concord-pseudo-'), unlabelled, {
    // No probability passes 0.99999 on a fresh network: nothing is marked.
    threshold: 0.99999,
    minConfidence: 0,
    rounds: 1,
    epochs: 4,
    labelledSlices: 8,
    crops: opts,
    log: (l) => lines.push(l),
  });
  await rounds.restore(rounds.starts[0]!, (f) => f(model));
  model.dispose();
  expect(rounds.made).toHaveLength(1);
  expect(rounds.made[0]).toMatchObject({ round: 1, foregroundPixels: 0, skipped: true });
  expect(lines.at(-1)).toMatch(/no foreground marked: .* trains on the labelled cases only$/);
  const labelled = cropBatches(slices(1, 8), opts);
  const b = rounds.batches(labelled).batch(0, 0);
  expect(b.w).toBeUndefined();
  expect([...b.y]).toEqual([...labelled.batch(0, 0).y]);
  expect(rounds.crops).toBe(0);
});
