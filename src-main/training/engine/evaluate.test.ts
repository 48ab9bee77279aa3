import { beforeAll, expect, test } from 'vitest';
import { tf } from '../backends/tfjs';
import { SeededRandom } from '../model/seeded-random';
import { UNet } from '../model/unet';
import { diceOf, evaluateSlices } from './evaluate';
import { keepCentreComponents } from './keep-centre';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

test('Dice: pooled counts; two empty masks agree perfectly', () => {
  expect(diceOf({ intersection: 3, predicted: 4, reference: 6 })).toBeCloseTo(0.6, 12);
  expect(diceOf({ intersection: 0, predicted: 0, reference: 0 })).toBe(1);
});

test('evaluateSlices pools the thresholded predictions of every slice, per case too', async () => {
  const r = new SeededRandom(2);
  const S = 8;
  const samples = Array.from({ length: 5 }, (_, i) => {
    const image = Uint8Array.from({ length: S * S }, () => r.int(256));
    return {
      patient: i < 3 ? 'A' : 'B',
      width: S,
      height: S,
      image,
      target: image.map((v) => (v > 100 ? 1 : 0)),
    };
  });
  const model = UNet.create({ levels: 2, base: 2, inChannels: 1, labels: 1 }, 4);
  const norm = { mean: 128, std: 64 };
  const ev = await evaluateSlices(model, samples, norm, { batchSize: 2 });
  // The same counts by hand, one slice at a time.
  let inter = 0;
  let pred = 0;
  let ref = 0;
  for (const s of samples) {
    const x = tf.tensor4d(
      Float32Array.from(s.image, (v) => (v - norm.mean) / norm.std),
      [1, S, S, 1],
    );
    const p = tf.sigmoid(model.apply(x)).dataSync();
    p.forEach((v, i) => {
      const q = v > 0.5 ? 1 : 0;
      inter += q * s.target[i]!;
      pred += q;
      ref += s.target[i]!;
    });
  }
  model.dispose();
  expect(ev.counts).toEqual({ intersection: inter, predicted: pred, reference: ref });
  expect(ev.slices).toBe(5);
  expect(Object.keys(ev.perCase).sort()).toEqual(['A', 'B']);
});

test('a threshold other than 0.5; the reference is the hard target even when a soft one rides along', async () => {
  const r = new SeededRandom(8);
  const S = 8;
  const image = Uint8Array.from({ length: S * S }, () => r.int(256));
  const target = image.map((v) => (v > 100 ? 1 : 0));
  // A soft target marking every pixel: were it the reference, the reference count would be S*S.
  const sample = { patient: 'A', width: S, height: S, image, target, soft: new Uint8Array(S * S).fill(255) };
  const model = UNet.create({ levels: 2, base: 2, inChannels: 1, labels: 1 }, 6);
  const norm = { mean: 128, std: 64 };
  const x = tf.tensor4d(
    Float32Array.from(image, (v) => (v - norm.mean) / norm.std),
    [1, S, S, 1],
  );
  const p = tf.sigmoid(model.apply(x)).dataSync();
  const sorted = Array.from(p).sort((a, b) => a - b);
  const threshold = sorted[Math.floor(sorted.length / 2)]!; // the median: about half the pixels above it
  const ev = await evaluateSlices(model, [sample], norm, { threshold });
  model.dispose();
  expect(ev.counts.reference).toBe(target.reduce((a, v) => a + v, 0));
  expect(ev.counts.predicted).toBe(p.filter((v) => v > threshold).length);
  expect(ev.counts.intersection).toBe(Array.from(p).filter((v, i) => v > threshold && target[i]).length);
});

test('test-time augmentation: the mean of the 8 symmetric views, mapped back to each pixel', async () => {
  const r = new SeededRandom(5);
  const S = 8;
  const image = Uint8Array.from({ length: S * S }, () => r.int(256));
  const sample = { patient: 'A', width: S, height: S, image, target: image.map((v) => (v > 100 ? 1 : 0)) };
  const model = UNet.create({ levels: 2, base: 2, inChannels: 1, labels: 1 }, 6);
  const norm = { mean: 128, std: 64 };
  // By hand: mirror / flip / transpose the image with tfjs ops, predict, undo the same ops, average.
  const x = tf.tensor4d(
    Float32Array.from(image, (v) => (v - norm.mean) / norm.std),
    [1, S, S, 1],
  );
  const views: tf.Tensor4D[] = [];
  for (let k = 0; k < 8; k++) {
    const fwd = (t: tf.Tensor4D): tf.Tensor4D => {
      let u = t;
      if (k & 1) u = tf.reverse(u, 2);
      if (k & 2) u = tf.reverse(u, 1);
      if (k & 4) u = tf.transpose(u, [0, 2, 1, 3]);
      return u;
    };
    const back = (t: tf.Tensor4D): tf.Tensor4D => {
      let u = t;
      if (k & 4) u = tf.transpose(u, [0, 2, 1, 3]);
      if (k & 2) u = tf.reverse(u, 1);
      if (k & 1) u = tf.reverse(u, 2);
      return u;
    };
    views.push(back(tf.sigmoid(model.apply(fwd(x)))));
  }
  const mean = tf.div(tf.addN(views), 8).dataSync();
  let inter = 0;
  let pred = 0;
  mean.forEach((v, i) => {
    const q = v > 0.5 ? 1 : 0;
    inter += q * sample.target[i]!;
    pred += q;
  });
  const ev = await evaluateSlices(model, [sample], norm, { batchSize: 1, tta: true });
  const plain = await evaluateSlices(model, [sample], norm, { batchSize: 1 });
  model.dispose();
  expect(ev.counts).toEqual({
    intersection: inter,
    predicted: pred,
    reference: sample.target.reduce((a, b) => a + b, 0),
  });
  // The untrained model is not symmetric: the views change the answer.
  expect(ev.counts).not.toEqual(plain.counts);
});

test('keepCentre: counts after dropping off-centre components, the unprocessed Dice beside them', async () => {
  const r = new SeededRandom(7);
  const S = 8;
  const image = Uint8Array.from({ length: S * S }, () => r.int(256));
  const sample = { patient: 'A', width: S, height: S, image, target: image.map((v) => (v > 100 ? 1 : 0)) };
  const model = UNet.create({ levels: 2, base: 2, inChannels: 1, labels: 1 }, 8);
  const norm = { mean: 128, std: 64 };
  const plain = await evaluateSlices(model, [sample], norm);
  const kept = await evaluateSlices(model, [sample], norm, { keepCentre: 1 });
  // By hand: the thresholded prediction, then keepCentreComponents.
  const x = tf.tensor4d(
    Float32Array.from(image, (v) => (v - norm.mean) / norm.std),
    [1, S, S, 1],
  );
  const mask = Uint8Array.from(tf.sigmoid(model.apply(x)).dataSync(), (v) => (v > 0.5 ? 1 : 0));
  model.dispose();
  const after = keepCentreComponents(mask, S, S, 1);
  let inter = 0;
  after.forEach((q, i) => (inter += q * sample.target[i]!));
  expect(kept.counts).toEqual({
    intersection: inter,
    predicted: after.reduce((a, b) => a + b, 0),
    reference: plain.counts.reference,
  });
  expect(kept.unprocessedDice).toBe(plain.pooledDice);
  expect(plain.unprocessedDice).toBeUndefined();
});
