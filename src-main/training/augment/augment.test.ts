// Augmentation: geometry keeps image and target aligned, a seed gives the same sample, each transform
// fires with its probability and has the statistics its definition says.
import { describe, expect, test } from 'vitest';
import { SeededRandom } from '../model/seeded-random';
import { augmentConfig, NNUNET_2D_DEFAULTS, NO_AUGMENTATION, validateAugmentConfig } from './augment-config';
import { augmentSample, previewAugmentations, type PlaneSample } from './augment-sample';
import {
  addGaussianNoise,
  adjustContrast,
  applyGamma,
  gaussianBlur,
  multiplyBrightness,
  simulateLowResolution,
} from './intensity-transforms';
import { applySpatial, sampleSpatial, uniform } from './spatial-transform';

const W = 48;
const H = 40;

/** A disc of radius r at (cx, cy): 1 inside, 0 outside. */
function disc(cx: number, cy: number, r: number): Float32Array {
  const a = new Float32Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) a[x + y * W] = 1;
  return a;
}

function centroid(a: Float32Array, threshold: number): [number, number] {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      if (a[x + y * W]! > threshold) {
        sx += x;
        sy += y;
        n++;
      }
  return [sx / n, sy / n];
}

function meanStd(a: Float32Array): [number, number] {
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  return [m, Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length)];
}

function noisyImage(seed: number): Float32Array {
  const r = new SeededRandom(seed);
  const a = new Float32Array(W * H);
  for (let i = 0; i < a.length; i++) a[i] = r.normal() + (i % W) / W;
  return a;
}

describe('geometry', () => {
  test('a marked pixel lands on the same place in image and target (mirrors only: exactly)', () => {
    const img = new Float32Array(W * H);
    const tgt = new Float32Array(W * H);
    img[5 + 7 * W] = 9;
    tgt[5 + 7 * W] = 1;
    for (const [mx, my] of [
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const out = applySpatial([img], tgt, W, H, { angle: 0, scale: 1, mirrorX: mx, mirrorY: my });
      const x = mx ? W - 1 - 5 : 5;
      const y = my ? H - 1 - 7 : 7;
      expect(out.channels[0]![x + y * W]).toBe(9);
      expect(out.target![x + y * W]).toBe(1);
      expect(out.target!.reduce((s, v) => s + v, 0)).toBe(1);
    }
  });

  test('position channels move with the image but no intensity transform touches them', () => {
    const img = noisyImage(3);
    const pos = noisyImage(4);
    const c = augmentConfig(
      {
        mirror: { pPerAxis: 1 },
        noise: { p: 1 },
        blur: { p: 1, pPerChannel: 1 },
        brightness: { p: 1 },
        contrast: { p: 1 },
        gamma: { p: 1, pInverted: 1 },
        lowResolution: { p: 1, pPerChannel: 1 },
      },
      NO_AUGMENTATION,
    );
    const s: PlaneSample = { width: W, height: H, channels: [img, pos], target: null };
    const out = augmentSample(s, c, new SeededRandom(5), { positionChannels: 1 });
    const mirrored = applySpatial([img, pos], null, W, H, {
      angle: 0,
      scale: 1,
      mirrorX: true,
      mirrorY: true,
    });
    expect([...out.channels[1]!]).toEqual([...mirrored.channels[1]!]); // geometry only
    expect(out.channels[0]!.some((v, i) => Math.abs(v - mirrored.channels[0]![i]!) > 1e-3)).toBe(true);
    // Without the option both planes get the intensity transforms.
    const all = augmentSample(s, c, new SeededRandom(5));
    expect(all.channels[1]!.some((v, i) => Math.abs(v - mirrored.channels[1]![i]!) > 1e-3)).toBe(true);
    expect(() => augmentSample(s, c, new SeededRandom(5), { positionChannels: 2 })).toThrow(RangeError);
  });

  test('rotation and scaling move image and target together (centroids within half a pixel)', () => {
    const c = augmentConfig({ rotation: { p: 1 }, scaling: { p: 1 } }, NO_AUGMENTATION);
    const img = disc(31, 13, 5);
    const tgt = disc(31, 13, 5);
    for (let seed = 1; seed <= 40; seed++) {
      const p = sampleSpatial(c, new SeededRandom(seed));
      expect(p.angle).not.toBe(0);
      const out = applySpatial([img], tgt, W, H, p);
      const ti = centroid(out.target!, 0.5);
      const ii = centroid(out.channels[0]!, 0.5);
      expect(Math.hypot(ti[0] - ii[0], ti[1] - ii[1])).toBeLessThan(0.5);
      // The disc really moved (the transform is not the identity around it).
      const before = centroid(tgt, 0.5);
      if (Math.abs(p.angle) > 0.3)
        expect(Math.hypot(ti[0] - before[0], ti[1] - before[1])).toBeGreaterThan(1);
    }
  });

  test('a rotation by +90 degrees maps (x, y) relative to the centre as documented', () => {
    const S = 9; // square, so the rotation maps the grid onto itself
    const img = new Float32Array(S * S);
    img[6 + 4 * S] = 1; // (2, 0) from the centre (4, 4)
    const out = applySpatial([img], null, S, S, {
      angle: Math.PI / 2,
      scale: 1,
      mirrorX: false,
      mirrorY: false,
    });
    // Output p reads input c + R(p - c): the output pixel at (0, -2) from the centre reads (2, 0).
    expect(out.channels[0]![4 + 2 * S]).toBeCloseTo(1, 6);
  });

  test('soft targets are interpolated, hard ones stay 0/1', () => {
    const tgt = disc(20, 20, 6);
    const p = { angle: 0.4, scale: 1.1, mirrorX: false, mirrorY: false };
    const hard = applySpatial([tgt], tgt, W, H, p).target!;
    expect(hard.every((v) => v === 0 || v === 1)).toBe(true);
    const soft = applySpatial([tgt], tgt, W, H, p, true).target!;
    expect(soft.some((v) => v > 0 && v < 1)).toBe(true);
  });
});

describe('determinism and probabilities', () => {
  const sample: PlaneSample = { width: W, height: H, channels: [noisyImage(3)], target: disc(20, 20, 6) };

  test('the same seed gives the same sample; another seed another one', () => {
    const c = augmentConfig({ rotation: { p: 1 }, noise: { p: 1 }, gamma: { p: 1 } });
    const a = augmentSample(sample, c, new SeededRandom(11));
    const b = augmentSample(sample, c, new SeededRandom(11));
    const d = augmentSample(sample, c, new SeededRandom(12));
    expect(Buffer.from(a.channels[0]!.buffer).equals(Buffer.from(b.channels[0]!.buffer))).toBe(true);
    expect(Buffer.from(a.target!.buffer).equals(Buffer.from(b.target!.buffer))).toBe(true);
    expect(a.applied).toEqual(b.applied);
    expect(Buffer.from(a.channels[0]!.buffer).equals(Buffer.from(d.channels[0]!.buffer))).toBe(false);
    // The input is not changed.
    expect(sample.channels[0]).toEqual(noisyImage(3));
  });

  test('with every probability 0 the sample is unchanged', () => {
    const a = augmentSample(sample, NO_AUGMENTATION, new SeededRandom(5));
    expect(a.channels[0]).toEqual(sample.channels[0]);
    expect(a.target).toEqual(sample.target);
    expect(a.applied).toEqual([]);
  });

  test("each transform fires about as often as its probability (nnU-Net's defaults, 3000 draws)", () => {
    const tiny: PlaneSample = {
      width: 8,
      height: 8,
      channels: [noisyImage(1).subarray(0, 64)],
      target: null,
    };
    const counts = new Map<string, number>();
    const N = 3000;
    for (let i = 0; i < N; i++) {
      const a = augmentSample(tiny, NNUNET_2D_DEFAULTS, new SeededRandom(1000 + i));
      for (const t of new Set(a.applied.map((s) => s.split(' ')[0]!)))
        counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    const rate = (k: string): number => (counts.get(k) ?? 0) / N;
    const d = NNUNET_2D_DEFAULTS;
    const tol = 0.03;
    expect(rate('rotate')).toBeCloseTo(d.rotation.p, 1);
    expect(Math.abs(rate('rotate') - d.rotation.p)).toBeLessThan(tol);
    expect(Math.abs(rate('scale') - d.scaling.p)).toBeLessThan(tol);
    expect(Math.abs(rate('noise') - d.noise.p)).toBeLessThan(tol);
    expect(Math.abs(rate('brightness') - d.brightness.p)).toBeLessThan(tol);
    expect(Math.abs(rate('contrast') - d.contrast.p)).toBeLessThan(tol);
    expect(Math.abs(rate('gamma') - d.gamma.p)).toBeLessThan(tol);
    expect(Math.abs(rate('inverted') - d.gamma.pInverted)).toBeLessThan(tol);
    // Per-channel probabilities multiply (one channel here).
    expect(Math.abs(rate('blur') - d.blur.p * d.blur.pPerChannel)).toBeLessThan(tol);
    expect(Math.abs(rate('low') - d.lowResolution.p * d.lowResolution.pPerChannel)).toBeLessThan(tol);
    expect(Math.abs((counts.get('mirror') ?? 0) / N - 0.75)).toBeLessThan(tol); // either axis: 1 - 0.5^2
  });

  test('BGContrast ranges: half the draws below 1, all within the range', () => {
    const r = new SeededRandom(2);
    const draws = Array.from({ length: 4000 }, () => uniform({ lo: 0.7, hi: 1.5, split: true }, r));
    const below = draws.filter((v) => v < 1).length / draws.length;
    expect(Math.abs(below - 0.5)).toBeLessThan(0.03);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0.7);
    expect(Math.max(...draws)).toBeLessThanOrEqual(1.5);
  });

  test('preview: N samples, deterministic, each saying what was applied', () => {
    const p1 = previewAugmentations(sample, 6, NNUNET_2D_DEFAULTS, 4);
    const p2 = previewAugmentations(sample, 6, NNUNET_2D_DEFAULTS, 4);
    expect(p1).toHaveLength(6);
    expect(p1.map((s) => s.applied)).toEqual(p2.map((s) => s.applied));
    expect(p1.some((s) => s.applied.length > 0)).toBe(true);
    expect(() => previewAugmentations(sample, 0, NNUNET_2D_DEFAULTS)).toThrow(RangeError);
  });

  test('bad settings are refused with the setting named', () => {
    expect(() => augmentConfig({ noise: { p: 1.5 } })).toThrow(/noise\.p/);
    expect(() =>
      validateAugmentConfig({ ...NNUNET_2D_DEFAULTS, scaling: { p: 0.2, range: { lo: 2, hi: 1 } } }),
    ).toThrow(/scaling/);
  });
});

describe('intensity statistics', () => {
  test('Gaussian noise adds the requested standard deviation, zero mean', () => {
    const a = new Float32Array(200 * 200);
    const r = new SeededRandom(9);
    addGaussianNoise(a, 0.1, () => r.normal());
    const [m, s] = meanStd(a);
    expect(Math.abs(m)).toBeLessThan(0.002);
    expect(s).toBeCloseTo(0.1, 2);
  });

  test('brightness multiplies mean and standard deviation', () => {
    const a = noisyImage(4);
    const [m0, s0] = meanStd(a);
    multiplyBrightness(a, 1.2);
    const [m1, s1] = meanStd(a);
    expect(m1).toBeCloseTo(1.2 * m0, 5);
    expect(s1).toBeCloseTo(1.2 * s0, 5);
  });

  test('contrast keeps the mean (before clipping) and the range', () => {
    const a = noisyImage(5);
    const [m0, s0] = meanStd(a);
    const lo = Math.min(...a);
    const hi = Math.max(...a);
    adjustContrast(a, 0.8); // shrinking never clips
    const [m1, s1] = meanStd(a);
    expect(m1).toBeCloseTo(m0, 5);
    expect(s1).toBeCloseTo(0.8 * s0, 4);
    adjustContrast(a, 3);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(lo - 1e-6);
    expect(Math.max(...a)).toBeLessThanOrEqual(hi + 1e-6);
  });

  test('gamma keeps mean and standard deviation, changes the shape; gamma 1 is the identity', () => {
    const a = noisyImage(6);
    const [m0, s0] = meanStd(a);
    const b = a.slice();
    applyGamma(b, 1, false);
    b.forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 4));
    for (const invert of [false, true]) {
      const c = a.slice();
      applyGamma(c, 1.5, invert);
      const [m1, s1] = meanStd(c);
      expect(m1).toBeCloseTo(m0, 4);
      expect(s1).toBeCloseTo(s0, 4);
      expect(Math.max(...c.map((v, i) => Math.abs(v - a[i]!)))).toBeGreaterThan(0.05);
    }
  });

  test('blur keeps a constant and the mean, lowers the variance of noise', () => {
    const k = new Float32Array(W * H).fill(2.5);
    gaussianBlur(k, W, H, 1, 0.7);
    k.forEach((v) => expect(v).toBeCloseTo(2.5, 5));
    const a = noisyImage(7);
    const [m0, s0] = meanStd(a);
    gaussianBlur(a, W, H, 1, 1);
    const [m1, s1] = meanStd(a);
    expect(Math.abs(m1 - m0)).toBeLessThan(0.02);
    expect(s1).toBeLessThan(0.6 * s0);
  });

  test('low resolution: zoom 1 is the identity, a constant stays, detail is lost at 0.5', () => {
    const a = noisyImage(8);
    const b = a.slice();
    simulateLowResolution(b, W, H, 1);
    b.forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 5));
    const k = new Float32Array(W * H).fill(-1);
    simulateLowResolution(k, W, H, 0.5);
    k.forEach((v) => expect(v).toBeCloseTo(-1, 6));
    const [, s0] = meanStd(a);
    simulateLowResolution(a, W, H, 0.5);
    expect(meanStd(a)[1]).toBeLessThan(0.8 * s0);
  });
});
