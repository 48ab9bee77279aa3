// The training loop on a tiny U-Net and tiny synthetic data (a bright disc on noise; target = the disc),
// through Concord's kernels on the cpu backend: same seed, same losses and weights bit for bit; the loss
// goes down; cancellation stops between steps; progress reports every batch and every epoch.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CancelledError } from '../../core/errors';
import { activateCpu } from '../backends/cpu-backend';
import { uninstallFastKernels } from '../kernels/register-kernels';
import { SeededRandom } from '../model/seeded-random';
import { UNet } from '../model/unet';
import type { UNetConfig } from '../model/unet-config';
import { cosineSchedule, trainLoop, type BatchSource, type TrainProgress } from './train-loop';

const CONFIG: UNetConfig = { levels: 3, base: 4, inChannels: 1, labels: 1 };
const S = 16;

/** `count` images of S x S: a disc of random centre and radius, brighter than the noise around it. */
function discs(count: number, seed: number): { x: Float32Array; y: Float32Array }[] {
  const rnd = new SeededRandom(seed);
  return Array.from({ length: count }, () => {
    const cx = 4 + rnd.next() * 8;
    const cy = 4 + rnd.next() * 8;
    const r = 2 + rnd.next() * 3;
    const x = new Float32Array(S * S);
    const y = new Float32Array(S * S);
    for (let j = 0; j < S; j++)
      for (let i = 0; i < S; i++) {
        const inside = (i - cx) ** 2 + (j - cy) ** 2 <= r * r;
        y[j * S + i] = inside ? 1 : 0;
        x[j * S + i] = (inside ? 1 : 0) + 0.3 * rnd.normal();
      }
    return { x, y };
  });
}

function source(batch: number, batches: number, seed: number): BatchSource {
  const items = discs(batch * batches, seed);
  return {
    shape: [S, S, 1, 1],
    batchesPerEpoch: () => batches,
    batch: (epoch, i) => {
      // A per-epoch order from the seed, as a real source would shuffle.
      const order = new SeededRandom(seed * 1000 + epoch).shuffle([...items.keys()]);
      const pick = order.slice(i * batch, (i + 1) * batch).map((k) => items[k]!);
      const x = new Float32Array(batch * S * S);
      const y = new Float32Array(batch * S * S);
      pick.forEach((p, k) => {
        x.set(p.x, k * S * S);
        y.set(p.y, k * S * S);
      });
      return { x, y, n: batch };
    },
  };
}

beforeAll(async () => {
  await activateCpu({ threads: 2 });
});
afterAll(async () => {
  await uninstallFastKernels('cpu');
});

async function run(
  seed: number,
  epochs: number,
  averageDecay?: number,
): Promise<{ losses: number[]; weights: Float32Array[]; validated: Float32Array[][] }> {
  const model = UNet.create(CONFIG, seed);
  const losses: number[] = [];
  const validated: Float32Array[][] = [];
  await trainLoop(model, source(4, 4, seed), {
    epochs,
    learningRate: 1e-2,
    onProgress: (p) => {
      if (p.kind === 'batch') losses.push(p.loss);
    },
    validate: async (m) => {
      validated.push((await m.weights()).map((w) => w.values));
      return {};
    },
    ...(averageDecay !== undefined ? { averageDecay } : {}),
  });
  const weights = (await model.weights()).map((w) => w.values);
  model.dispose();
  return { losses, weights, validated };
}

const same = (a: Float32Array[], b: Float32Array[]): boolean =>
  a.every((w, i) => Buffer.from(w.buffer).equals(Buffer.from(b[i]!.buffer)));

describe('trainLoop', () => {
  test('is deterministic for a seed: identical losses and weights', async () => {
    const a = await run(11, 2);
    const b = await run(11, 2);
    expect(b.losses).toEqual(a.losses);
    expect(same(b.weights, a.weights)).toBe(true);
    const c = await run(12, 2);
    expect(c.losses).not.toEqual(a.losses);
  });

  test('a weight average validates on the average, leaves training alone and ends holding it', async () => {
    const plain = await run(11, 2);
    const averaged = await run(11, 2, 0.9);
    expect(averaged.losses).toEqual(plain.losses); // the steps themselves are unchanged
    expect(same(plain.validated[1]!, plain.weights)).toBe(true);
    expect(same(averaged.validated[1]!, plain.weights)).toBe(false); // validation saw the average...
    expect(same(averaged.weights, averaged.validated[1]!)).toBe(true); // ...which the model holds at the end
    // Decay 0 averages nothing: the last weights themselves.
    expect(same((await run(11, 2, 0)).weights, plain.weights)).toBe(true);
  });

  test('the loss goes down', async () => {
    const { losses } = await run(5, 6);
    const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(mean(losses.slice(-4))).toBeLessThan(0.7 * mean(losses.slice(0, 4)));
  });

  test('reports progress per batch and per epoch, with validation metrics', async () => {
    const model = UNet.create(CONFIG, 1);
    const events: TrainProgress[] = [];
    const result = await trainLoop(model, source(2, 3, 1), {
      epochs: 2,
      learningRate: 1e-3,
      onProgress: (p) => events.push(p),
      validate: async (_m, epoch) => ({ dice: epoch / 10 }),
    });
    model.dispose();
    expect(events.filter((e) => e.kind === 'batch')).toHaveLength(6);
    const epochs = events.filter((e) => e.kind === 'epoch');
    expect(epochs.map((e) => e.validation)).toEqual([{ dice: 0 }, { dice: 0.1 }]);
    expect(epochs[1]!.etaSeconds).toBe(0);
    expect(result.images).toBe(12);
    expect(result.epochs.map((e) => e.epoch)).toEqual([0, 1]);
  });

  test('reading the loss every 3 steps changes when events arrive, not the steps or the losses', async () => {
    const runWith = async (
      lossReadEvery: number,
    ): Promise<{ events: [number, number, number][]; weights: Float32Array[] }> => {
      const model = UNet.create(CONFIG, 3);
      const data = source(4, 4, 3);
      let served = 0;
      const events: [number, number, number][] = []; // [batch, loss, batches served when reported]
      await trainLoop(
        model,
        { ...data, batch: (e, i) => (served++, data.batch(e, i)) },
        {
          epochs: 2,
          learningRate: 1e-2,
          lossReadEvery,
          onProgress: (p) => {
            if (p.kind === 'batch') events.push([p.batch, p.loss, served]);
          },
        },
      );
      const weights = (await model.weights()).map((w) => w.values);
      model.dispose();
      return { events, weights };
    };
    const each = await runWith(1);
    const grouped = await runWith(3);
    expect(grouped.events.map((e) => e.slice(0, 2))).toEqual(each.events.map((e) => e.slice(0, 2)));
    expect(same(grouped.weights, each.weights)).toBe(true);
    expect(each.events.map((e) => e[2])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Batches 0-2 reported after the third step, batch 3 at the epoch's end.
    expect(grouped.events.map((e) => e[2])).toEqual([3, 3, 3, 4, 7, 7, 7, 8]);
  });

  test('cancels between steps through its AbortSignal', async () => {
    const model = UNet.create(CONFIG, 1);
    const abort = new AbortController();
    let batches = 0;
    const run = trainLoop(model, source(2, 5, 1), {
      epochs: 3,
      learningRate: 1e-3,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.kind === 'batch' && ++batches === 2) abort.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(batches).toBe(2);
    model.dispose();
  });
});

test('cosine schedule: from the learning rate to 5% of it', () => {
  const s = cosineSchedule(1e-3, 10);
  expect(s(0)).toBeCloseTo(1e-3, 12);
  expect(s(9)).toBeCloseTo(5e-5, 12);
  expect(s(4)).toBeGreaterThan(s(5));
});

test('cosine schedule over the planned epochs when no count is given', () => {
  const s = cosineSchedule(1e-3);
  expect(s(0, 4)).toBeCloseTo(1e-3, 12);
  expect(s(3, 4)).toBeCloseTo(5e-5, 12);
  expect(s(3, 10)).toBeGreaterThan(s(3, 4));
});

test('a time budget plans the epochs after the first (warm-up) and again after the second', async () => {
  const model = UNet.create(CONFIG, 3);
  // A fake clock: batches take no time; validation takes 10 s after epoch 1 (warm-up), 2 s afterwards.
  let ms = 0;
  const planned: number[] = [];
  const run = (budgetSeconds: number, epochs: number) =>
    trainLoop(model, source(2, 1, 4), {
      epochs,
      learningRate: 1e-3,
      budgetSeconds,
      clock: () => ms,
      schedule: (e, n) => {
        planned.push(n);
        return 1e-3;
      },
      validate: async (_m, epoch) => {
        ms += epoch === 0 ? 10_000 : 2_000;
        return { dice: 0 };
      },
    });
  // Budget 30 s: after epoch 1, 1 + floor(20 / 10) = 3 epochs; after epoch 2, 2 + floor(18 / 2) = 11,
  // capped at the 8 asked for; 10 + 7 * 2 = 24 s used.
  const r = await run(30, 8);
  expect(planned.slice(0, 3)).toEqual([8, 3, 8]);
  expect(r.epochs).toHaveLength(8);
  expect(r.seconds).toBeCloseTo(24, 6);
  // Budget 25 s, 20 asked: 1 + floor(15 / 10) = 2 after epoch 1; 2 + floor(13 / 2) = 8 after epoch 2.
  ms = 0;
  planned.length = 0;
  const r2 = await run(25, 20);
  expect(r2.epochs).toHaveLength(8);
  expect(r2.seconds).toBeLessThanOrEqual(25);
  // A budget smaller than the first epoch still runs that epoch, and no other.
  ms = 0;
  expect((await run(5, 20)).epochs).toHaveLength(1);
  model.dispose();
});
