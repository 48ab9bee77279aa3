// Coordinate planes: their values and frames, and that every path that builds a model's input (training
// crops with and without augmentation, validation with the flips, volume inference with the flips, the quick
// draft's box) gives each pixel the place of the slice pixel it shows. A model that reads only the i plane
// (logit = the i coordinate) must mark exactly the slice's right half, whichever view or frame ran it.
import { afterEach, beforeAll, expect, test } from 'vitest';
import { NO_AUGMENTATION, augmentConfig } from '../augment/augment-config';
import { tf } from '../backends/tfjs';
import { inferVolume } from '../engine/infer-volume';
import { inferVolumeQuick } from '../engine/quick-infer';
import { UNet } from '../model/unet';
import { imageChannels, paramSpecs, type UNetConfig } from '../model/unet-config';
import { cropBatches, sliceRefs } from '../process/crop-batches';
import { foregroundProbability } from '../process/evaluate-slices';
import { coordinate, mirrorFrame, sliceFrame, writeCoordinates } from './coordinate-planes';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The test models' variables share names: each test disposes of its own, passed or failed. */
const models: UNet[] = [];
afterEach(() => {
  for (const m of models.splice(0)) m.dispose();
});

test('a pixel sits at (2i + 1) / n - 1: the edges at -1 and +1, the centre at 0', () => {
  expect(coordinate(-0.5, 10)).toBeCloseTo(-1, 12);
  expect(coordinate(9.5, 10)).toBeCloseTo(1, 12);
  expect(coordinate(4.5, 10)).toBeCloseTo(0, 12);
  expect(coordinate(0, 4)).toBe(-0.75);
});

test('planes follow a mirrored frame and continue over the padding', () => {
  const out = new Float32Array(6 * 2 * 3);
  // A 4 x 2 slice in a 6 x 2 frame, mirrored along i: frame pixel x shows slice pixel 3 - x.
  writeCoordinates(out, 0, 3, 1, 6, 2, mirrorFrame(sliceFrame(4, 2), 4, 2, 1));
  const row = Array.from({ length: 6 }, (_, x) => out[x * 3 + 1]);
  expect(row).toEqual([0.75, 0.25, -0.25, -0.75, -1.25, -1.75]);
  expect(out[0]).toBe(0); // channel 0 (the image) untouched
  expect(out[(6 + 2) * 3 + 2]).toBe(0.5); // row j = 1 of 2
  expect(() => writeCoordinates(out, 0, 2, 1, 6, 2, sliceFrame(4, 2))).toThrow(RangeError);
});

test('a model config with coordinates counts them in inChannels and checks the flag', () => {
  const c: UNetConfig = { levels: 2, base: 2, inChannels: 5, labels: 1, coordinates: true };
  expect(imageChannels(c)).toBe(3);
  expect(paramSpecs(c)[0]!.shape).toEqual([3, 3, 5, 2]);
  expect(() => paramSpecs({ ...c, inChannels: 2 })).toThrow(RangeError);
  expect(() => paramSpecs({ ...c, coordinates: 'yes' as unknown as boolean })).toThrow(RangeError);
});

/** A slice whose image byte is its pixel's i (so a crop pixel tells where it came from). */
function slice(width: number, height: number): ReturnType<typeof sliceRefs>[number] {
  const image = Uint8Array.from({ length: width * height }, (_, p) => p % width);
  const target = new Uint8Array(width * height);
  target[5 + 3 * width] = 255;
  return sliceRefs(1, image, target, 1, width, height)[0]!;
}

test('training crops carry the place of the pixel they show, mirrored or not', () => {
  const W = 40;
  const H = 24;
  const mirrorOnly = augmentConfig({ mirror: { pPerAxis: 0.5 } }, NO_AUGMENTATION);
  for (const augment of [null, mirrorOnly]) {
    const src = cropBatches([slice(W, H)], {
      cropSize: 16,
      batchSize: 4,
      seed: 3,
      foregroundFraction: 0.5,
      augment,
      coordinates: true,
    });
    expect(src.shape).toEqual([16, 16, 3, 1]);
    let checked = 0;
    for (let e = 0; e < 3; e++) {
      const { x } = src.batch(e, 0);
      for (let p = 0; p < x.length / 3; p++) {
        const i = Math.round(x[3 * p]! * 255);
        expect(x[3 * p + 1]).toBeCloseTo(coordinate(i, W), 5);
        expect(Math.abs(x[3 * p + 2]!)).toBeLessThan(1);
        checked++;
      }
    }
    expect(checked).toBe(3 * 4 * 256);
  }
});

/** levels 1, base 1: logit = the i plane (centre taps only; the biases keep the ReLUs open). */
function iReader(inChannels: number): UNet {
  const config: UNetConfig = {
    levels: 1,
    base: 1,
    inChannels,
    labels: 1,
    coordinates: true,
    input: { mean: 0.5, std: 0.1 },
  };
  const iPlane = inChannels - 2;
  const weights = paramSpecs(config).map((s) => {
    const values = new Float32Array(s.shape.reduce((a, b) => a * b, 1));
    if (s.name === 'enc0.conv0.kernel') values[(1 * 3 + 1) * inChannels + iPlane] = 1;
    if (s.name === 'enc0.conv0.bias') values[0] = 2;
    if (s.name === 'enc0.conv1.kernel') values[4] = 1;
    if (s.name === 'head.kernel') values[0] = 1;
    if (s.name === 'head.bias') values[0] = -2;
    return { name: s.name, shape: s.shape, values };
  });
  const model = new UNet(config, weights);
  models.push(model);
  return model;
}

test('volume inference, its flips and the quick box give each pixel its place on the slice', async () => {
  const dims: [number, number, number] = [11, 6, 3];
  // Body (0.8) in i 1..8, j 1..4 of every slice, air (0) around it.
  const data = Float32Array.from({ length: 11 * 6 * 3 }, (_, v) => {
    const i = v % 11;
    const j = Math.floor(v / 11) % 6;
    return i >= 1 && i <= 8 && j >= 1 && j <= 4 ? 0.8 : 0;
  });
  const model = iReader(5);
  const rightHalf = (labels: Uint8Array): boolean => labels.every((l, v) => l === (v % 11 > 5 ? 1 : 0));
  for (const tta of [false, true]) {
    const r = await inferVolume(model, { dims, data }, { tta });
    expect(rightHalf(r.labels)).toBe(true);
  }
  // The body's box (voxels above 0.5, no margin) is smaller than the slice: still the scan's right half.
  const q = await inferVolumeQuick(model, { dims, data }, { scale: 1, bodyThreshold: 0.5, bodyMargin: 0 });
  expect(q.box).toEqual({ i0: 1, i1: 9, j0: 1, j1: 5 });
  const inBox = (v: number): boolean => {
    const i = v % 11;
    const j = Math.floor(v / 11) % 6;
    return i >= q.box.i0 && i < q.box.i1 && j >= q.box.j0 && j < q.box.j1;
  };
  expect(q.labels.every((l, v) => l === (inBox(v) && v % 11 > 5 ? 1 : 0))).toBe(true);
});

test('validation with the flips reads the same places', async () => {
  const model = iReader(3);
  const s = slice(9, 5);
  for (const tta of [false, true]) {
    const p = await foregroundProbability(model, s.image, 9, 5, tta);
    for (let q = 0; q < p.length; q++) expect(p[q]).toBeCloseTo(1 / (1 + Math.exp(-coordinate(q % 9, 9))), 5);
  }
});
