// The quick draft's inference: answered on the volume's own grid (dims, layout i + j*nx + k*nx*ny), equal
// to the full inference at scale 1, at scale 0.5 the model's output on the 2x2-averaged slices resampled
// back, nothing outside the body's box, labels = probability > threshold.
import { beforeAll, expect, test } from 'vitest';
import { tf } from '../backends/tfjs';
import { SeededRandom } from '../model/seeded-random';
import { UNet } from '../model/unet';
import { inferVolume } from './infer-volume';
import { bodyBox, bodyThresholdOf, inferVolumeQuick, linearTaps, resamplePlane } from './quick-infer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function volume(dims: [number, number, number], seed: number): Float32Array {
  const r = new SeededRandom(seed);
  return Float32Array.from({ length: dims[0] * dims[1] * dims[2] }, () => r.normal());
}

test('bilinear taps: identity at the same size, 2x2 means at half, clamped edges when enlarging', () => {
  const src = Float32Array.from({ length: 16 }, (_, i) => i * i); // 4x4, row-major
  const same = new Float32Array(16);
  resamplePlane(src, 0, 4, 4, 4, same, 0, 4, 4);
  expect([...same]).toEqual([...src]);
  const half = new Float32Array(4);
  resamplePlane(src, 0, 4, 4, 4, half, 0, 2, 2);
  const mean = (a: number[]) => a.reduce((s, v) => s + v * v, 0) / 4;
  expect(half[0]).toBeCloseTo(mean([0, 1, 4, 5]), 5);
  expect(half[3]).toBeCloseTo(mean([10, 11, 14, 15]), 5);
  const up = linearTaps(2, 4); // 2 -> 4: source x = -0.25 (clamped 0), 0.25, 0.75, 1.25 (clamped 1)
  expect([...up.lo]).toEqual([0, 0, 0, 0]);
  expect([...up.w].map((w) => Math.round(w * 100) / 100)).toEqual([0, 0.25, 0.75, 1]);
});

test('body box over all slices, grown by the margin and clipped; null when nothing is above', () => {
  const dims: [number, number, number] = [10, 8, 2];
  const data = new Float32Array(160);
  data[3 + 2 * 10] = 1; // slice 0, (3, 2)
  data[80 + 6 + 5 * 10] = 1; // slice 1, (6, 5)
  expect(bodyBox(data, dims, 0.5, 0)).toEqual({ i0: 3, i1: 7, j0: 2, j1: 6 });
  expect(bodyBox(data, dims, 0.5, 4)).toEqual({ i0: 0, i1: 10, j0: 0, j1: 8 });
  expect(bodyBox(data, dims, 2, 4)).toBeNull();
  // -500 HU in the default CT window [-1350, 150]; no absolute air level for the z-score.
  expect(bodyThresholdOf({ kind: 'ct-window', center: -600, width: 1500 })).toBeCloseTo(850 / 1500, 6);
  expect(bodyThresholdOf({ kind: 'zscore' })).toBeUndefined();
});

test('scale 1 (the default) without a box is the full inference', async () => {
  const model = UNet.create({ levels: 3, base: 2, inChannels: 1, labels: 1 }, 4);
  const dims: [number, number, number] = [12, 10, 3];
  const data = volume(dims, 2);
  const full = await inferVolume(model, { dims, data }, { keepProbabilities: true });
  const quick = await inferVolumeQuick(model, { dims, data }, { keepProbabilities: true });
  expect(quick.dims).toEqual(dims);
  expect(quick.reduced).toEqual([12, 10]);
  for (let p = 0; p < data.length; p++)
    expect(quick.probabilities![p]).toBeCloseTo(full.probabilities![p]!, 5);
  expect([...quick.labels]).toEqual([...full.labels]);
  expect(quick.meanEntropyBits).toBeCloseTo(full.meanEntropyBits, 6);
  model.dispose();
});

test('scale 0.5: the model on 2x2 means, resampled back to the volume grid; labels by threshold', async () => {
  const model = UNet.create({ levels: 3, base: 2, inChannels: 3, labels: 1 }, 7);
  const dims: [number, number, number] = [16, 12, 4];
  const data = volume(dims, 3);
  const progress: number[] = [];
  const r = await inferVolumeQuick(
    model,
    { dims, data },
    {
      scale: 0.5,
      keepProbabilities: true,
      batchSize: 3,
      threshold: 0.45,
      onProgress: (p) => progress.push(p.slicesDone),
    },
  );
  expect(progress).toEqual([3, 4]);
  expect(r.reduced).toEqual([8, 6]);
  expect(r.labels).toHaveLength(16 * 12 * 4);
  // The reduced volume by hand (2x2 means), through the full inference (2.5D neighbours included).
  const small = new Float32Array(8 * 6 * 4);
  for (let k = 0; k < 4; k++)
    for (let j = 0; j < 6; j++)
      for (let i = 0; i < 8; i++) {
        const at = (x: number, y: number) => data[k * 192 + y * 16 + x]!;
        small[k * 48 + j * 8 + i] =
          (at(2 * i, 2 * j) + at(2 * i + 1, 2 * j) + at(2 * i, 2 * j + 1) + at(2 * i + 1, 2 * j + 1)) / 4;
      }
  const ref = await inferVolume(model, { dims: [8, 6, 4], data: small }, { keepProbabilities: true });
  // Voxel (2i+1, 2j+1)'s centre lies a quarter of the way from reduced pixel (i, j) to (i+1, j+1).
  for (let k = 0; k < 4; k++)
    for (const [i, j] of [
      [1, 1],
      [3, 2],
      [6, 4],
    ] as const) {
      const q = (x: number, y: number) => ref.probabilities![k * 48 + y * 8 + x]!;
      const top = 0.75 * q(i, j) + 0.25 * q(i + 1, j);
      const bottom = 0.75 * q(i, j + 1) + 0.25 * q(i + 1, j + 1);
      expect(r.probabilities![k * 192 + (2 * j + 1) * 16 + 2 * i + 1]).toBeCloseTo(
        0.75 * top + 0.25 * bottom,
        5,
      );
    }
  for (let p = 0; p < r.labels.length; p++) expect(r.labels[p]).toBe(r.probabilities![p]! > 0.45 ? 1 : 0);
  expect(r.foregroundVoxels).toBe(r.labels.reduce((s, v) => s + v, 0));
  expect(r.meanEntropyBits).toBeCloseTo(ref.meanEntropyBits, 6); // no box: the same area
  model.dispose();
});

test('body box: outside it certain background; inside, the box resampled; several labels by nearest', async () => {
  const model = UNet.create({ levels: 2, base: 2, inChannels: 1, labels: 2 }, 9);
  const dims: [number, number, number] = [20, 16, 2];
  const data = new Float32Array(20 * 16 * 2); // air (0) with a 6x4 body at i 8..13, j 5..8
  const r0 = new SeededRandom(1);
  for (let k = 0; k < 2; k++)
    for (let j = 5; j < 9; j++)
      for (let i = 8; i < 14; i++) data[k * 320 + j * 20 + i] = 1 + r0.normal() * 0.1;
  const r = await inferVolumeQuick(
    model,
    { dims, data },
    { scale: 0.5, bodyThreshold: 0.5, bodyMargin: 1, keepProbabilities: true },
  );
  expect(r.box).toEqual({ i0: 7, i1: 15, j0: 4, j1: 10 });
  expect(r.reduced).toEqual([4, 3]);
  for (let k = 0; k < 2; k++)
    for (let j = 0; j < 16; j++)
      for (let i = 0; i < 20; i++) {
        const inside = i >= 7 && i < 15 && j >= 4 && j < 10;
        if (!inside) {
          expect(r.labels[k * 320 + j * 20 + i]).toBe(0);
          expect(r.probabilities![k * 320 + j * 20 + i]).toBe(0);
        }
      }
  // Labels inside the box are the reduced grid's, nearest pixel: voxel (7 + 2a, 4 + 2b) -> (a, b).
  const small = new Float32Array(4 * 3 * 2);
  resamplePlane(data, 4 * 20 + 7, 20, 8, 6, small, 0, 4, 3);
  resamplePlane(data, 320 + 4 * 20 + 7, 20, 8, 6, small, 12, 4, 3);
  const ref = await inferVolume(model, { dims: [4, 3, 2], data: small });
  for (let k = 0; k < 2; k++)
    for (let b = 0; b < 3; b++)
      for (let a = 0; a < 4; a++)
        expect(r.labels[k * 320 + (4 + 2 * b) * 20 + 7 + 2 * a]).toBe(ref.labels[k * 12 + b * 4 + a]);
  // Entropy: the box's, over whole slices (48 of 320 voxels).
  expect(r.meanEntropyBits).toBeCloseTo((ref.meanEntropyBits * 48) / 320, 6);
  model.dispose();
});

test("scale 1 with a body box: the box's rows inferred as they are, copied back; outside background", async () => {
  const model = UNet.create({ levels: 2, base: 2, inChannels: 3, labels: 1 }, 5);
  const dims: [number, number, number] = [20, 16, 3];
  const data = new Float32Array(20 * 16 * 3); // air (0) with a body at i 8..13, j 5..8
  const r0 = new SeededRandom(2);
  for (let k = 0; k < 3; k++)
    for (let j = 5; j < 9; j++)
      for (let i = 8; i < 14; i++) data[k * 320 + j * 20 + i] = 1 + r0.normal() * 0.3;
  const r = await inferVolumeQuick(
    model,
    { dims, data },
    { bodyThreshold: 0.5, bodyMargin: 1, keepProbabilities: true, threshold: 0.45 },
  );
  expect(r.box).toEqual({ i0: 7, i1: 15, j0: 4, j1: 10 });
  expect(r.reduced).toEqual([8, 6]);
  const box = new Float32Array(8 * 6 * 3);
  for (let k = 0; k < 3; k++)
    for (let j = 0; j < 6; j++)
      for (let i = 0; i < 8; i++) box[k * 48 + j * 8 + i] = data[k * 320 + (4 + j) * 20 + 7 + i]!;
  const ref = await inferVolume(
    model,
    { dims: [8, 6, 3], data: box },
    { keepProbabilities: true, threshold: 0.45 },
  );
  let inside = 0;
  for (let k = 0; k < 3; k++)
    for (let j = 0; j < 16; j++)
      for (let i = 0; i < 20; i++) {
        const v = k * 320 + j * 20 + i;
        if (i >= 7 && i < 15 && j >= 4 && j < 10) {
          const w = k * 48 + (j - 4) * 8 + i - 7;
          expect(r.labels[v]).toBe(ref.labels[w]);
          expect(r.probabilities![v]).toBe(ref.probabilities![w]);
          inside += r.labels[v]!;
        } else expect([r.labels[v], r.probabilities![v]]).toEqual([0, 0]);
      }
  expect(r.foregroundVoxels).toBe(inside);
  expect(r.foregroundVoxels).toBe(ref.foregroundVoxels);
  expect(r.meanEntropyBits).toBeCloseTo((ref.meanEntropyBits * 48) / 320, 6);
  model.dispose();
});
