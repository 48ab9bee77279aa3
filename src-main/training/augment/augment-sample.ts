// One augmented training sample: geometry first (image channels and target together), then the intensity
// transforms in nnU-Net's order (noise, blur, brightness, contrast, low resolution, inverted gamma, gamma),
// each with its probability, from a seeded generator. The number of random draws does not depend on which
// transforms fire, so a seed gives the same sample on every machine and the draws of one transform do not
// shift those of the next. `positionChannels` n: the last n channels hold positions, not intensities (the
// distance-to-centre plane of bench/lidc/centre-distance.ts): the geometry moves them with the image, the
// intensity transforms leave them alone.
import { SeededRandom } from '../model/seeded-random';
import type { AugmentConfig } from './augment-config';
import {
  addGaussianNoise,
  adjustContrast,
  applyGamma,
  gaussianBlur,
  multiplyBrightness,
  simulateLowResolution,
} from './intensity-transforms';
import { applySpatial, describeSpatial, sampleSpatial, uniform } from './spatial-transform';

export interface PlaneSample {
  width: number;
  height: number;
  /** Image channels (1 for 2D, 2k+1 for 2.5D), each width*height, x + y*width, normalised. */
  channels: Float32Array[];
  /** Target in [0, 1] (0/1 labels, or probabilities when soft), or null. */
  target: Float32Array | null;
}

export interface AugmentedSample extends PlaneSample {
  /** What was applied, for the preview ("rotate 12°", "gamma 0.82", ...). */
  applied: string[];
  /** The other labels' target planes under the same geometry (with `extraTargets`). */
  extraTargets?: Float32Array[];
}

export function augmentSample(
  s: PlaneSample,
  c: AugmentConfig,
  rnd: SeededRandom,
  /** extraTargets: more target planes (a model of several labels: one plane per label), moved exactly as
   *  `target`; they draw no random numbers, so a seed gives the same sample with or without them. */
  o: { softTarget?: boolean; positionChannels?: number; extraTargets?: Float32Array[] } = {},
): AugmentedSample {
  const { width: w, height: h } = s;
  const spatial = sampleSpatial(c, rnd);
  const geo = applySpatial(s.channels, s.target, w, h, spatial, o.softTarget ?? false);
  const extraTargets = o.extraTargets?.map(
    (t) => applySpatial([], t, w, h, spatial, o.softTarget ?? false).target!,
  );
  const applied = describeSpatial(spatial);
  const positions = o.positionChannels ?? 0;
  if (!(Number.isInteger(positions) && positions >= 0 && positions < s.channels.length))
    throw new RangeError('positionChannels must leave at least one image channel');
  // The intensity transforms' channels; geo.channels keeps the position planes after them.
  const ch = geo.channels.slice(0, geo.channels.length - positions);
  // One seeded stream for the noise itself, so that its length (w*h*channels) does not shift the draws
  // of the transforms after it.
  const noiseRnd = new SeededRandom(Math.floor(rnd.next() * 4294967296));
  const normal = (): number => noiseRnd.normal();

  const noiseOn = rnd.next() < c.noise.p;
  const sigma = uniform(c.noise.sigma, rnd);
  if (noiseOn) {
    for (const x of ch) addGaussianNoise(x, sigma, normal);
    applied.push(`noise σ ${sigma.toFixed(3)}`);
  }

  const blurOn = rnd.next() < c.blur.p;
  const bx = uniform(c.blur.sigma, rnd);
  const by = uniform(c.blur.sigma, rnd);
  const blurCh = ch.map(() => rnd.next() < c.blur.pPerChannel);
  if (blurOn && blurCh.some(Boolean)) {
    ch.forEach((x, i) => blurCh[i] && gaussianBlur(x, w, h, bx, by));
    applied.push(`blur σ ${bx.toFixed(2)}×${by.toFixed(2)}`);
  }

  const brightOn = rnd.next() < c.brightness.p;
  const m = uniform(c.brightness.multiplier, rnd);
  if (brightOn) {
    for (const x of ch) multiplyBrightness(x, m);
    applied.push(`brightness ×${m.toFixed(2)}`);
  }

  const contrastOn = rnd.next() < c.contrast.p;
  const f = uniform(c.contrast.factor, rnd);
  if (contrastOn) {
    for (const x of ch) adjustContrast(x, f);
    applied.push(`contrast ×${f.toFixed(2)}`);
  }

  const lowOn = rnd.next() < c.lowResolution.p;
  const zoom = uniform(c.lowResolution.zoom, rnd);
  const lowCh = ch.map(() => rnd.next() < c.lowResolution.pPerChannel);
  if (lowOn && lowCh.some(Boolean)) {
    ch.forEach((x, i) => lowCh[i] && simulateLowResolution(x, w, h, zoom));
    applied.push(`low resolution ×${zoom.toFixed(2)}`);
  }

  const invOn = rnd.next() < c.gamma.pInverted;
  const gi = uniform(c.gamma.gamma, rnd);
  if (invOn) {
    for (const x of ch) applyGamma(x, gi, true);
    applied.push(`inverted gamma ${gi.toFixed(2)}`);
  }
  const gammaOn = rnd.next() < c.gamma.p;
  const g = uniform(c.gamma.gamma, rnd);
  if (gammaOn) {
    for (const x of ch) applyGamma(x, g, false);
    applied.push(`gamma ${g.toFixed(2)}`);
  }
  return {
    width: w,
    height: h,
    channels: geo.channels,
    target: geo.target,
    applied,
    ...(extraTargets ? { extraTargets } : {}),
  };
}

/** N augmented versions of one slice for the UI's preview: sample i uses the generator seeded by
 *  (seed, i), so the same request gives the same pictures. */
export function previewAugmentations(
  s: PlaneSample,
  count: number,
  c: AugmentConfig,
  seed = 1,
): AugmentedSample[] {
  if (!Number.isInteger(count) || count < 1 || count > 64)
    throw new RangeError('preview count must be 1..64');
  return Array.from({ length: count }, (_, i) => augmentSample(s, c, new SeededRandom(seed * 7919 + i)));
}
