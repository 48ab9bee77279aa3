import { expect, test } from 'vitest';
import { SeededRandom } from '../model/seeded-random';
import { normalisationOf, sliceBatches, symmetric, type SliceData } from './slice-batches';

const S = 8;
/** Asymmetric images whose target is exactly (image > 128): alignment survives any augmentation. */
function samples(n: number): SliceData[] {
  const r = new SeededRandom(3);
  return Array.from({ length: n }, () => {
    const image = Uint8Array.from({ length: S * S }, () => r.int(256));
    return { width: S, height: S, image, target: image.map((v) => (v > 128 ? 1 : 0)) };
  });
}

test('augmented batches keep image and target aligned, are seeded, and cover every symmetry', () => {
  const data = samples(12);
  const norm = normalisationOf(data);
  const src = sliceBatches(data, { batchSize: 4, seed: 5, augment: true, norm });
  expect(src.batchesPerEpoch()).toBe(3);
  const threshold = (128 - norm.mean) / norm.std;
  const seen = new Set<string>();
  for (let e = 0; e < 4; e++)
    for (let i = 0; i < 3; i++) {
      const { x, y, n } = src.batch(e, i);
      expect(n).toBe(4);
      for (let k = 0; k < x.length; k++) expect(y[k]).toBe(x[k]! > threshold + 1e-6 ? 1 : 0);
      seen.add(Array.from(x.slice(0, 4)).join());
    }
  expect(seen.size).toBeGreaterThan(8);
  const again = sliceBatches(data, { batchSize: 4, seed: 5, augment: true, norm });
  expect(again.batch(2, 1).x).toEqual(src.batch(2, 1).x);
  const unaugmented = sliceBatches(data, { batchSize: 4, seed: 5, augment: false, norm }).batch(0, 0);
  const values = new Set(data.map((d) => ((d.image[0]! - norm.mean) / norm.std).toFixed(5)));
  for (let b = 0; b < 4; b++) expect(values.has(unaugmented.x[b * S * S]!.toFixed(5))).toBe(true);
});

test('foreground fraction: about that share of batch slots are slices with foreground', () => {
  const r = new SeededRandom(4);
  // 20 slices, only 2 with foreground.
  const data: SliceData[] = Array.from({ length: 20 }, (_, k) => {
    const image = Uint8Array.from({ length: S * S }, () => r.int(256));
    const target = new Uint8Array(S * S);
    if (k < 2) target[9] = 1;
    return { width: S, height: S, image, target };
  });
  const norm = normalisationOf(data);
  const share = (f: number): number => {
    const src = sliceBatches(data, { batchSize: 4, seed: 2, augment: false, norm, foregroundFraction: f });
    let fg = 0;
    let all = 0;
    for (let e = 0; e < 50; e++)
      for (let i = 0; i < src.batchesPerEpoch(); i++) {
        const { y, n } = src.batch(e, i);
        for (let b = 0; b < n; b++) {
          all++;
          if (y.subarray(b * S * S, (b + 1) * S * S).some((v) => v > 0)) fg++;
        }
      }
    return fg / all;
  };
  expect(share(0)).toBeCloseTo(0.1, 5); // plain epochs: 2 of 20
  // f + (1 - f) * 0.1 expected.
  expect(Math.abs(share(0.5) - 0.55)).toBeLessThan(0.05);
  expect(() =>
    sliceBatches(data, { batchSize: 4, seed: 2, augment: false, norm, foregroundFraction: 2 }),
  ).toThrow(RangeError);
});

test("nnU-Net augmentation in batches: targets stay 0/1 and follow the image's geometry", async () => {
  const { augmentConfig, NO_AUGMENTATION } = await import('../augment/augment-config');
  const data = samples(8);
  const norm = normalisationOf(data);
  // Geometry only (intensity changes would break the image > threshold relation).
  const c = augmentConfig({ mirror: { pPerAxis: 0.5 } }, NO_AUGMENTATION);
  const src = sliceBatches(data, { batchSize: 4, seed: 7, augment: true, norm, augmentation: c });
  const threshold = (128 - norm.mean) / norm.std;
  for (let i = 0; i < 2; i++) {
    const { x, y } = src.batch(0, i);
    for (let k = 0; k < x.length; k++) expect(y[k]).toBe(x[k]! > threshold + 1e-6 ? 1 : 0);
  }
  expect(src.batch(1, 1).x).toEqual(
    sliceBatches(data, { batchSize: 4, seed: 7, augment: true, norm, augmentation: c }).batch(1, 1).x,
  );
});

test('symmetries before the pipeline: every one of the 8 appears, image and target move together', async () => {
  const { NO_AUGMENTATION } = await import('../augment/augment-config');
  const data = samples(1);
  const norm = normalisationOf(data);
  const src = sliceBatches(data, {
    batchSize: 1,
    seed: 3,
    augment: true,
    norm,
    augmentation: NO_AUGMENTATION,
    symmetries: true,
  });
  // Each of the 8 views of the one sample, by symmetric(): the batches must show all of them and no other.
  const views = Array.from({ length: 8 }, (_, k) =>
    Array.from({ length: S * S }, (_, p) =>
      ((data[0]!.image[symmetric(k, p % S, Math.floor(p / S), S)]! - norm.mean) / norm.std).toFixed(4),
    ).join(),
  );
  const threshold = (128 - norm.mean) / norm.std;
  const seen = new Set<number>();
  for (let e = 0; e < 60; e++) {
    const { x, y } = src.batch(e, 0);
    const k = views.indexOf(Array.from(x, (v) => v.toFixed(4)).join());
    expect(k).toBeGreaterThanOrEqual(0);
    seen.add(k);
    for (let p = 0; p < x.length; p++) expect(y[p]).toBe(x[p]! > threshold + 1e-6 ? 1 : 0);
  }
  expect(seen.size).toBe(8);
  const plain = sliceBatches(data, {
    batchSize: 1,
    seed: 3,
    augment: true,
    norm,
    augmentation: NO_AUGMENTATION,
  });
  for (let e = 0; e < 8; e++)
    expect(Array.from(plain.batch(e, 0).x, (v) => v.toFixed(4)).join()).toBe(views[0]);
});

test('patches: random windows of the slices, aligned, around foreground for foreground slots', () => {
  const W = 32;
  const P = 8;
  const r = new SeededRandom(9);
  // Each slice: noise with one bright 3x3 square (target) somewhere; the target is exactly (image > 200).
  const data: SliceData[] = Array.from({ length: 16 }, (_, k) => {
    const image = Uint8Array.from({ length: W * W }, () => r.int(150));
    if (k % 2 === 0) {
      const cx = 2 + r.int(W - 5);
      const cy = 2 + r.int(W - 5);
      for (let y = cy - 1; y <= cy + 1; y++) for (let x = cx - 1; x <= cx + 1; x++) image[x + y * W] = 250;
    }
    return { width: W, height: W, image, target: image.map((v) => (v > 200 ? 1 : 0)) };
  });
  const norm = normalisationOf(data);
  const threshold = (200 - norm.mean) / norm.std;
  const src = sliceBatches(data, {
    batchSize: 4,
    seed: 2,
    augment: true,
    norm,
    patch: P,
    foregroundFraction: 1,
  });
  expect(src.shape).toEqual([P, P, 1, 1]);
  for (let i = 0; i < 4; i++) {
    const { x, y } = src.batch(0, i);
    expect(x).toHaveLength(4 * P * P);
    for (let k = 0; k < x.length; k++) expect(y[k]).toBe(x[k]! > threshold ? 1 : 0);
    // Every slot was drawn for its foreground: its window holds some of the square.
    for (let b = 0; b < 4; b++)
      expect(y.subarray(b * P * P, (b + 1) * P * P).some((v) => v === 1)).toBe(true);
  }
  // Seeded: the same options cut the same windows; a patch larger than the slices is refused.
  const plain = sliceBatches(data, { batchSize: 4, seed: 2, augment: false, norm, patch: P });
  expect(plain.batch(1, 1).x).toEqual(
    sliceBatches(data, { batchSize: 4, seed: 2, augment: false, norm, patch: P }).batch(1, 1).x,
  );
  expect(() => sliceBatches(data, { batchSize: 4, seed: 2, augment: false, norm, patch: 33 })).toThrow(
    /patch/,
  );
});

test('2.5D slices: channels interleaved (NHWC), every plane moved with the target', () => {
  const W = 16;
  const r = new SeededRandom(12);
  // Plane 0 is the image, plane 1 its negative: in every pixel of every batch, x0 > t <=> y = 1 <=> x1 < t'.
  const data: SliceData[] = Array.from({ length: 8 }, () => {
    const base = Uint8Array.from({ length: W * W }, () => r.int(256));
    const image = new Uint8Array(2 * W * W);
    image.set(base, 0);
    image.set(
      base.map((v) => 255 - v),
      W * W,
    );
    return { width: W, height: W, image, target: base.map((v) => (v > 128 ? 1 : 0)), channels: 2 };
  });
  const norm = normalisationOf(data);
  const t0 = (128 - norm.mean) / norm.std;
  const t1 = (255 - 128 - norm.mean) / norm.std;
  for (const o of [{ augment: true }, { augment: true, patch: 8 }]) {
    const src = sliceBatches(data, { batchSize: 4, seed: 3, norm, ...o });
    const S = o.patch ?? W;
    expect(src.shape).toEqual([S, S, 2, 1]);
    const { x, y } = src.batch(1, 0);
    expect(x).toHaveLength(4 * S * S * 2);
    for (let p = 0; p < y.length; p++) {
      expect(y[p]).toBe(x[2 * p]! > t0 + 1e-6 ? 1 : 0);
      expect(y[p]).toBe(x[2 * p + 1]! < t1 - 1e-6 ? 1 : 0);
    }
  }
});

test('soft targets: batches carry soft / 255, moved with the image by symmetries, windows and augment/', async () => {
  const { NO_AUGMENTATION } = await import('../augment/augment-config');
  const W = 16;
  const r = new SeededRandom(21);
  // The soft target is the image itself (as a byte), so every pixel of y must equal its own x, undone.
  const data: SliceData[] = Array.from({ length: 8 }, () => {
    const image = Uint8Array.from({ length: W * W }, () => r.int(256));
    return { width: W, height: W, image, target: image.map((v) => (v > 200 ? 1 : 0)), soft: image.slice() };
  });
  const norm = normalisationOf(data);
  const undo = (v: number): number => (v * norm.std + norm.mean) / 255;
  const variants = [
    { augment: true },
    { augment: true, patch: 8, foregroundFraction: 0.5 },
    { augment: true, augmentation: NO_AUGMENTATION, symmetries: true, patch: 8 },
  ];
  for (const v of variants) {
    const src = sliceBatches(data, { batchSize: 4, seed: 4, norm, ...v });
    for (let i = 0; i < 2; i++) {
      const { x, y } = src.batch(1, i);
      let fractional = 0;
      for (let k = 0; k < y.length; k++) {
        expect(y[k]).toBeCloseTo(undo(x[k]!), 4);
        if (y[k]! > 0.01 && y[k]! < 0.99) fractional++;
      }
      expect(fractional).toBeGreaterThan(y.length / 2); // soft values, not the 0/1 target
    }
  }
});
