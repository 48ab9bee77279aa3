// Volume inference against the model applied slice by slice by hand: same probabilities in the volume's
// layout (i + j*nx + k*nx*ny) whatever the batch size, padding cut off, 2.5D channels, progress, cancel,
// entropy in bits.
import { beforeAll, expect, test } from 'vitest';
import { CancelledError } from '../../core/errors';
import { tf } from '../backends/tfjs';
import { stackedSlice } from '../data/stack-slices';
import { SeededRandom } from '../model/seeded-random';
import { UNet } from '../model/unet';
import { inferVolume } from './infer-volume';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const dims: [number, number, number] = [12, 8, 5]; // nx = 12 is not a multiple of 8: padded to 16
function volume(): Float32Array {
  const r = new SeededRandom(6);
  return Float32Array.from({ length: 12 * 8 * 5 }, () => r.normal());
}

/** P(foreground) of slice k by a direct forward pass on the slice padded to 16 x 8. */
function direct(model: UNet, data: Float32Array, k: number, half: number): Float32Array {
  const [nx, ny] = dims;
  const C = 2 * half + 1;
  const s = stackedSlice(data, dims, k, half);
  const x = new Float32Array(8 * 16 * C);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++)
      for (let c = 0; c < C; c++) x[(j * 16 + i) * C + c] = s[(j * nx + i) * C + c]!;
  const p = tf.tidy(() => tf.sigmoid(model.apply(tf.tensor4d(x, [1, 8, 16, C])))).dataSync();
  const out = new Float32Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out[j * nx + i] = p[j * 16 + i]!;
  return out;
}

test('probabilities and labels in the volume layout, any batch size; progress per batch', async () => {
  const model = UNet.create({ levels: 4, base: 2, inChannels: 1, labels: 1 }, 3);
  const data = volume();
  const progress: number[] = [];
  const a = await inferVolume(
    model,
    { dims, data },
    { batchSize: 2, keepProbabilities: true, onProgress: (p) => progress.push(p.slicesDone) },
  );
  const b = await inferVolume(model, { dims, data }, { batchSize: 5, keepProbabilities: true });
  expect(progress).toEqual([2, 4, 5]);
  const n = 12 * 8;
  for (let k = 0; k < 5; k++) {
    const d = direct(model, data, k, 0);
    for (let i = 0; i < n; i++) {
      expect(a.probabilities![k * n + i]).toBeCloseTo(d[i]!, 5);
      expect(b.probabilities![k * n + i]).toBeCloseTo(d[i]!, 5);
      expect(a.labels[k * n + i]).toBe(d[i]! > 0.5 ? 1 : 0);
    }
  }
  // Mean binary entropy in bits, from the probabilities.
  const h = (p: number) => -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
  const expected = a.probabilities!.reduce((s, p) => s + h(p), 0) / a.probabilities!.length;
  expect(a.meanEntropyBits).toBeCloseTo(expected, 6);
  expect(a.sliceEntropyBits).toHaveLength(5);
  expect(a.foregroundVoxels).toBe(a.labels.reduce((s, v) => s + (v ? 1 : 0), 0));
  model.dispose();
});

test('2.5D: neighbouring slices as channels, the end slices repeated', async () => {
  const model = UNet.create({ levels: 4, base: 2, inChannels: 3, labels: 1 }, 5);
  const data = volume();
  const r = await inferVolume(model, { dims, data }, { batchSize: 3, keepProbabilities: true });
  const n = 12 * 8;
  for (const k of [0, 2, 4]) {
    const d = direct(model, data, k, 1);
    for (let i = 0; i < n; i += 7) expect(r.probabilities![k * n + i]).toBeCloseTo(d[i]!, 5);
  }
  const s0 = stackedSlice(data, dims, 0, 1);
  expect(s0[0]).toBe(data[0]); // channel 0 of slice 0 is slice 0 again (k - 1 < 0)
  expect(s0[2]).toBe(data[n]); // channel 2 is slice 1
  model.dispose();
});

test('several labels: argmax labels, categorical entropy; cancel stops between batches', async () => {
  const model = UNet.create({ levels: 2, base: 2, inChannels: 1, labels: 2 }, 7);
  const data = volume();
  const r = await inferVolume(model, { dims, data }, { batchSize: 5 });
  expect(r.probabilities).toBeNull();
  expect(r.labels.every((v) => v <= 2)).toBe(true);
  expect(r.meanEntropyBits).toBeGreaterThan(0);
  expect(r.meanEntropyBits).toBeLessThanOrEqual(Math.log2(3) + 1e-9);
  const abort = new AbortController();
  const run = inferVolume(
    model,
    { dims, data },
    { batchSize: 1, signal: abort.signal, onProgress: () => abort.abort() },
  );
  await expect(run).rejects.toBeInstanceOf(CancelledError);
  await expect(inferVolume(model, { dims: [2, 2, 2], data })).rejects.toThrow(RangeError);
  model.dispose();
});
