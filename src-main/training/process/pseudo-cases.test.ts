// The trainer's side of pseudo-labels: the teacher's hard labels and weights on each unlabelled slice (with
// and without its flips), the slices each case keeps (those with foreground and as many others), weighted
// crops, and the file a run resumed in its refit reads back.
import { beforeAll, expect, test } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { NNUNET_2D_DEFAULTS } from '../augment/augment-config';
import { tf } from '../backends/tfjs';
import { pseudoLabels } from '../data/pseudo-labels';
import { UNet } from '../model/unet';
import { cropBatches, sliceRefs, type SliceRef } from './crop-batches';
import { foregroundProbability } from './evaluate-slices';
import { labelUnlabelled, readPseudo, writePseudo } from './pseudo-cases';
import { keptSlices } from './prepare-dataset';

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

/** Slices of a case as an unlabelled case holds them: no target, no foreground. */
function unlabelled(caseId: number, count: number): SliceRef[] {
  return slices(caseId, count).map((s) => ({
    ...s,
    target: new Uint8Array(N * N),
    foreground: new Uint32Array(),
  }));
}

const opts = { cropSize: N, batchSize: 4, seed: 5, foregroundFraction: 0, augment: null };

test('a case keeps its slices with foreground and as many others (at least 2), seeded, in slice order', () => {
  expect(
    keptSlices([false, true, false, false, true, false, false], 1).filter((i) => i === 1 || i === 4),
  ).toEqual([1, 4]);
  expect(keptSlices([false, true, false, false, true, false, false], 1)).toHaveLength(4);
  // No foreground: 2 slices; fewer than 2 others: all of them.
  expect(keptSlices([false, false, false, false], 9)).toHaveLength(2);
  expect(keptSlices([true, true, true, false], 9)).toEqual([0, 1, 2, 3]);
  const k = keptSlices(
    Array.from({ length: 20 }, (_, i) => i % 5 === 0),
    4,
  );
  expect(k).toEqual([...k].sort((a, b) => a - b));
  expect(k).toEqual(
    keptSlices(
      Array.from({ length: 20 }, (_, i) => i % 5 === 0),
      4,
    ),
  );
});

test('the teacher labels every slice as it drafts (its threshold, its flips); each case keeps its share', async () => {
  const model = UNet.create({ levels: 2, base: 2, inChannels: 1, labels: 1 }, 3);
  const all = [...unlabelled(7, 5), ...unlabelled(8, 3)];
  // A threshold that splits this random network's probabilities: the median of the first slice's.
  const p0 = await foregroundProbability(model, all[0]!.image, N, N, true);
  const threshold = [...p0].sort((a, b) => a - b)[Math.floor(p0.length / 2)]!;
  const o = { threshold, minConfidence: 0, tta: true, seed: 11 };
  let done = 0;
  const r = await labelUnlabelled(model, all, { ...o, onSlice: (d) => (done = d) });
  expect(done).toBe(8);
  expect(r.stats).toMatchObject({ cases: 2, slices: 8, casesWithForeground: 2 });
  // Every slice here has foreground at that threshold: each case keeps all of its slices.
  expect(r.kept).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  expect(r.stats.keptSlices).toBe(8);
  for (let k = 0; k < 8; k++) {
    const p = await foregroundProbability(model, all[k]!.image, N, N, true);
    const l = pseudoLabels(p, o);
    expect([...r.refs[k]!.target]).toEqual([...l.target]);
    expect([...r.refs[k]!.weight!]).toEqual([...l.weight]);
    // Foreground-centred crops go to the confident foreground pixels.
    expect(r.refs[k]!.foreground.length).toBe(l.target.filter((v) => v === 255).length);
    expect(r.refs[k]!.image).toBe(all[k]!.image);
  }
  // Without the flips the labels are the plain probabilities' (some pixel differs).
  const plain = await labelUnlabelled(model, all, { ...o, tta: false });
  expect(plain.refs.some((x, k) => x.target.some((v, i) => v !== r.refs[k]!.target[i]))).toBe(true);
  // A threshold above every probability marks no foreground: each case keeps 2 slices, weights from the
  // confidence below the threshold.
  const none = await labelUnlabelled(model, all, { ...o, threshold: 0.999 });
  model.dispose();
  expect(none.stats).toMatchObject({ casesWithForeground: 0, foregroundPixels: 0, keptSlices: 4 });
  expect(none.kept.filter((k) => k < 5)).toHaveLength(2);
  expect(none.refs.every((x) => x.foreground.length === 0 && x.target.every((v) => v === 0))).toBe(true);

  // The file gives the same slices back for the same data set, and nothing for another.
  const dir = tempDir('concord-pseudo-');
  writePseudo(dir, 1, all.length, r);
  const back = readPseudo(dir, 1, all)!;
  expect(back.stats).toEqual(r.stats);
  expect(back.kept).toEqual(r.kept);
  expect(back.refs.map((x) => [...x.target])).toEqual(r.refs.map((x) => [...x.target]));
  expect(back.refs.map((x) => [...x.weight!])).toEqual(r.refs.map((x) => [...x.weight!]));
  expect(back.refs.map((x) => [...x.foreground])).toEqual(r.refs.map((x) => [...x.foreground]));
  expect(readPseudo(dir, 1, all.slice(1))).toBeNull();
  expect(readPseudo(dir, 2, all)).toBeNull();
  expect(readPseudo(tempDir('concord-pseudo-'), 1, all)).toBeNull();
});

test('crops of labelled slices carry no weights; beside pseudo-labelled ones they weigh 1', () => {
  const plain = cropBatches(slices(1, 4), opts).batch(0, 0);
  expect(plain.w).toBeUndefined();
  // Pseudo-labelled slices: weight 200/255 on the left half, 0 on the right.
  const weighted = slices(2, 4).map((r) => {
    const weight = new Uint8Array(N * N);
    for (let j = 0; j < N; j++) for (let i = 0; i < N / 2; i++) weight[i + j * N] = 200;
    return { ...r, weight };
  });
  const mixed = cropBatches([...slices(1, 4), ...weighted], { ...opts, batchSize: 8 });
  for (let b = 0; b < 3; b++) {
    const batch = mixed.batch(b, 0);
    expect(batch.w).toBeDefined();
    const values = new Set([...batch.w!].map((v) => Math.round(v * 255)));
    // Labelled crops weigh 1 (255); pseudo-labelled ones 200 or 0 (mirroring may flip a crop).
    expect([...values].every((v) => v === 255 || v === 200 || v === 0)).toBe(true);
  }
  const o = { ...opts, augment: NNUNET_2D_DEFAULTS };
  const a = cropBatches(slices(2, 4), o).batch(3, 0);
  const b = cropBatches(weighted, o).batch(3, 0);
  // The weights ride along as a position channel: same random draws, same image and target.
  expect(b.x).toEqual(a.x);
  expect(b.y).toEqual(a.y);
  expect(b.w!.every((v) => v >= 0 && v <= 1)).toBe(true);
  expect(b.w!.some((v) => v > 0.5)).toBe(true);
});
