// Known answers for the loss, computed by hand from its definition (stable BCE + pooled soft Dice with +1
// smoothing; softmax CE + mean Dice over foreground labels).
import { beforeAll, describe, expect, test } from 'vitest';
import { tf } from '../backends/tfjs';
import { probabilities, segmentationLoss } from './loss';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const sig = (z: number): number => 1 / (1 + Math.exp(-z));

describe('segmentation loss', () => {
  test('one label: BCE with logits + soft Dice', async () => {
    const z = [2, -1, 0.5, -3];
    const y = [1, 0, 0, 1];
    const bce =
      z.reduce((s, zi, i) => s + Math.max(zi, 0) - zi * y[i]! + Math.log1p(Math.exp(-Math.abs(zi))), 0) / 4;
    const p = z.map(sig);
    const inter = p.reduce((s, pi, i) => s + pi * y[i]!, 0);
    const dice = 1 - (2 * inter + 1) / (p.reduce((a, b) => a + b, 0) + 2 + 1);
    const l = segmentationLoss(tf.tensor4d(z, [1, 2, 2, 1]), tf.tensor4d(y, [1, 2, 2, 1]));
    expect((await l.data())[0]).toBeCloseTo(bce + dice, 5);
    const ceOnly = segmentationLoss(tf.tensor4d(z, [1, 2, 2, 1]), tf.tensor4d(y, [1, 2, 2, 1]), {
      crossEntropy: 1,
      dice: 0,
    });
    expect((await ceOnly.data())[0]).toBeCloseTo(bce, 5);
  });

  test('several labels: softmax cross-entropy + Dice averaged over labels 1..L', async () => {
    // Two pixels, three channels (background, label 1, label 2); one-hot targets: label 1, background.
    const z = [0.1, 2, -1, 1.5, 0.2, 0.3];
    const y = [0, 1, 0, 1, 0, 0];
    const sm = (a: number[]): number[] => {
      const e = a.map(Math.exp);
      const s = e.reduce((p, q) => p + q, 0);
      return e.map((v) => v / s);
    };
    const p = [...sm(z.slice(0, 3)), ...sm(z.slice(3))];
    const ce = -(Math.log(p[1]!) + Math.log(p[3]!)) / 2;
    const diceOf = (c: number): number => {
      const inter = p[c]! * y[c]! + p[c + 3]! * y[c + 3]!;
      return (2 * inter + 1) / (p[c]! + p[c + 3]! + y[c]! + y[c + 3]! + 1);
    };
    const expected = ce + 1 - (diceOf(1) + diceOf(2)) / 2;
    const l = segmentationLoss(tf.tensor4d(z, [1, 1, 2, 3]), tf.tensor4d(y, [1, 1, 2, 3]));
    expect((await l.data())[0]).toBeCloseTo(expected, 5);
    const pr = await probabilities(tf.tensor4d(z, [1, 1, 2, 3])).data();
    expect(pr[1]).toBeCloseTo(p[1]!, 6);
  });

  test('a batch of empty targets gives a finite loss; mismatched shapes are refused', async () => {
    const l = segmentationLoss(
      tf.fill([2, 4, 4, 1], -5) as tf.Tensor4D,
      tf.zeros([2, 4, 4, 1]) as tf.Tensor4D,
    );
    expect(Number.isFinite((await l.data())[0])).toBe(true);
    expect(() =>
      segmentationLoss(tf.zeros([1, 4, 4, 1]) as tf.Tensor4D, tf.zeros([1, 4, 4, 2]) as tf.Tensor4D),
    ).toThrow(RangeError);
  });
});

describe('per-pixel weights (pseudo-labels)', () => {
  const z = [2, -1, 0.5, -3];
  const y = [1, 0, 0, 1];
  const t = (v: number[]) => tf.tensor4d(v, [1, 2, 2, 1]);
  test('weights of 1 give the plain loss; weights scale each pixel in BCE and in the Dice sums', async () => {
    const plain = (await segmentationLoss(t(z), t(y)).data())[0]!;
    const ones = (await segmentationLoss(t(z), t(y), undefined, t([1, 1, 1, 1])).data())[0]!;
    expect(ones).toBeCloseTo(plain, 6);
    const v = [1, 0.5, 0, 0.25];
    const bce =
      z.reduce(
        (s, zi, i) => s + v[i]! * (Math.max(zi, 0) - zi * y[i]! + Math.log1p(Math.exp(-Math.abs(zi)))),
        0,
      ) / 4;
    const p = z.map(sig);
    const inter = p.reduce((s, pi, i) => s + v[i]! * pi * y[i]!, 0);
    const denom = p.reduce((s, pi, i) => s + v[i]! * (pi + y[i]!), 0);
    const expected = bce + 1 - (2 * inter + 1) / (denom + 1);
    const got = (await segmentationLoss(t(z), t(y), undefined, t(v)).data())[0]!;
    expect(got).toBeCloseTo(expected, 5);
    expect(got).not.toBeCloseTo(plain, 2);
  });
});
