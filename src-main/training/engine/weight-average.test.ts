// The moving average of the weights: the recursion by hand on a tiny model whose weights are set between
// updates; validation inside withAverage sees the average and the trained weights come back after it.
import { beforeAll, expect, test } from 'vitest';
import { tf } from '../backends/tfjs';
import { UNet } from '../model/unet';
import { WeightAverage } from './weight-average';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const first = (m: UNet): number[] => [...m.variables[0]!.dataSync()];
const setAll = (m: UNet, value: number): void =>
  m.variables.forEach((v) => v.assign(tf.fill(v.shape, value)));

test('avg <- d*avg + (1-d)*w, with the warm-up decay min(d, (1+n)/(10+n))', async () => {
  const m = UNet.create({ levels: 2, base: 2, inChannels: 1, labels: 1 }, 3);
  setAll(m, 0);
  const avg = new WeightAverage(m, 0.5);
  let expected = 0;
  for (const [n, w] of [
    [1, 4],
    [2, 8],
    [3, -2],
  ] as const) {
    setAll(m, w);
    avg.update();
    const d = Math.min(0.5, (1 + n) / (10 + n)); // 2/11, 3/12, then 0.5
    expected = d * expected + (1 - d) * w;
  }
  const seen = await avg.withAverage(async () => first(m));
  for (const v of seen) expect(v).toBeCloseTo(expected, 5);
  expect(first(m).every((v) => v === -2)).toBe(true); // the trained weights are back
  avg.commit();
  for (const v of first(m)) expect(v).toBeCloseTo(expected, 5);
  avg.dispose();
  m.dispose();
});

test('the trained weights come back when the callback throws', async () => {
  const m = UNet.create({ levels: 2, base: 2, inChannels: 1, labels: 1 }, 3);
  const avg = new WeightAverage(m, 0.9);
  setAll(m, 1);
  avg.update();
  await expect(avg.withAverage(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  expect(first(m).every((v) => v === 1)).toBe(true);
  expect(() => new WeightAverage(m, 1)).toThrow(RangeError);
  avg.dispose();
  m.dispose();
});

test('leaves no tensors behind: its averages go with dispose, updates and swaps keep the count', async () => {
  const m = UNet.create({ levels: 2, base: 2, inChannels: 1, labels: 1 }, 3);
  const before = tf.memory().numTensors;
  const avg = new WeightAverage(m, 0.9);
  expect(tf.memory().numTensors).toBe(before + m.variables.length);
  avg.update();
  await avg.withAverage(async () => undefined);
  expect(tf.memory().numTensors).toBe(before + m.variables.length);
  avg.dispose();
  expect(tf.memory().numTensors).toBe(before);
  m.dispose();
});
