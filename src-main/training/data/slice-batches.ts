// Training batches from 2D slices: z-scored images (the training set's mean and standard deviation,
// fixed before training), binary targets (or soft ones, when the slices carry them), a seeded shuffle per
// epoch, and seeded augmentation that keeps image and target aligned: either a random one of the 8
// flips/rotations by 90 degrees of the square (`augment: true`), or the full on-the-fly pipeline of
// augment/ (`augmentation: AugmentConfig`, e.g. nnU-Net's defaults). `foregroundFraction` f: each batch
// slot is, with probability f, a slice drawn at random among those whose target is not empty, else the
// next slice of the epoch's shuffled order.
// `patch` P: each slot is a random P x P window of its slice instead of the whole slice (a slot drawn for
// its foreground gets a window holding a random foreground pixel, at least P/8 from the window's edges
// where the slice allows), so a fully convolutional model trains on P x P and runs on whole slices.
import { augmentSample } from '../augment/augment-sample';
import type { AugmentConfig } from '../augment/augment-config';
import type { BatchSource } from '../engine/train-loop';
import { SeededRandom } from '../model/seeded-random';

export interface SliceData {
  width: number;
  height: number;
  /** `channels` planes of width x height grey values, channel-major (plane c's pixel (x, y) at
   *  c*width*height + x + y*width): one, or 2h+1 for 2.5D (bench/lidc/neighbour-slices.ts). */
  image: Uint8Array;
  /** The hard target, 0/1 per pixel: the validation's reference, and what foreground sampling looks at. */
  target: Uint8Array;
  /** A soft training target, probability * 255 per pixel (the product's byte/255 convention,
   *  process/crop-batches.ts), e.g. the share of raters marking each pixel: when present, training batches
   *  take their targets from it instead of `target`. */
  soft?: Uint8Array;
  /** Input channels (default 1). */
  channels?: number;
}

export interface Normalisation {
  mean: number;
  std: number;
}

export function normalisationOf(samples: SliceData[]): Normalisation {
  let n = 0;
  let s = 0;
  let s2 = 0;
  for (const x of samples)
    for (const v of x.image) {
      n++;
      s += v;
      s2 += v * v;
    }
  const mean = s / n;
  return { mean, std: Math.sqrt(Math.max(1e-12, s2 / n - mean * mean)) };
}

/** Index of the source pixel for output (x, y) under symmetry k (0..7) of an S x S square. */
export function symmetric(k: number, x: number, y: number, S: number): number {
  const m = S - 1;
  let sx = x;
  let sy = y;
  if (k & 1) sx = m - sx; // mirror
  if (k & 2) sy = m - sy; // flip
  if (k & 4) [sx, sy] = [sy, sx]; // transpose
  return sx + sy * S;
}

/** Writes sample i (augmented by symmetry k) into x/y at batch position b: x NHWC with the sample's
 *  channels interleaved, y NHWC with one channel: the soft target when the sample has one, unless `hard`
 *  (a validation's reference is always the hard target). */
export function writeSample(
  s: SliceData,
  norm: Normalisation,
  k: number,
  x: Float32Array,
  y: Float32Array,
  b: number,
  hard = false,
): void {
  const S = s.width;
  const C = s.channels ?? 1;
  const n = S * S;
  const off = b * n;
  const soft = hard ? undefined : s.soft;
  for (let yy = 0; yy < S; yy++)
    for (let xx = 0; xx < S; xx++) {
      const src = symmetric(k, xx, yy, S);
      const p = off + xx + yy * S;
      for (let c = 0; c < C; c++) x[p * C + c] = (s.image[c * n + src]! - norm.mean) / norm.std;
      y[p] = soft ? soft[src]! / 255 : s.target[src]!;
    }
}

export interface SliceBatchOptions {
  batchSize: number;
  seed: number;
  /** The 8 flips/rotations by 90 degrees (ignored when `augmentation` is given). */
  augment: boolean;
  norm: Normalisation;
  /** On-the-fly augmentation (augment/augment-config.ts). */
  augmentation?: AugmentConfig;
  /** Share of batch slots drawn among slices with foreground (0..1); default: none, plain epochs. */
  foregroundFraction?: number;
  /** Side of random square windows cut from the slices (default: whole slices). */
  patch?: number;
  /** The last n channels are positions (bench/lidc/centre-distance.ts), untouched by intensity
   *  augmentation. */
  positionChannels?: number;
  /** With `augmentation`: one of the 8 flips/rotations by 90 degrees first (augment/'s mirroring has no
   *  transposes), then the pipeline. */
  symmetries?: boolean;
}

/** Plane `a` (S x S) under symmetry k: output pixel (x, y) is a's pixel symmetric(k, x, y, S). */
function symmetricPlane(a: Float32Array, k: number, S: number): Float32Array {
  if (k === 0) return a;
  const out = new Float32Array(S * S);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) out[x + y * S] = a[symmetric(k, x, y, S)]!;
  return out;
}

/** The P x P window of `s` at (x0, y0). */
function windowOf(s: SliceData, x0: number, y0: number, P: number): SliceData {
  const C = s.channels ?? 1;
  const n = s.width * s.height;
  const image = new Uint8Array(C * P * P);
  const target = new Uint8Array(P * P);
  const soft = s.soft ? new Uint8Array(P * P) : undefined;
  for (let y = 0; y < P; y++) {
    const from = x0 + (y0 + y) * s.width;
    for (let c = 0; c < C; c++)
      image.set(s.image.subarray(c * n + from, c * n + from + P), c * P * P + y * P);
    target.set(s.target.subarray(from, from + P), y * P);
    soft?.set(s.soft!.subarray(from, from + P), y * P);
  }
  return { width: P, height: P, image, target, channels: C, ...(soft ? { soft } : {}) };
}

/** A random P x P window of `s`: around a random foreground pixel when `aroundForeground`, else anywhere. */
function randomWindow(s: SliceData, P: number, aroundForeground: boolean, rnd: SeededRandom): SliceData {
  const clampX = (v: number) => Math.max(0, Math.min(s.width - P, v));
  const clampY = (v: number) => Math.max(0, Math.min(s.height - P, v));
  if (aroundForeground) {
    const fg: number[] = [];
    for (let p = 0; p < s.target.length; p++) if (s.target[p]) fg.push(p);
    if (fg.length > 0) {
      const p = fg[rnd.int(fg.length)]!;
      const m = P >> 3;
      const x0 = clampX((p % s.width) - m - rnd.int(P - 2 * m));
      const y0 = clampY(Math.floor(p / s.width) - m - rnd.int(P - 2 * m));
      return windowOf(s, x0, y0, P);
    }
  }
  return windowOf(s, rnd.int(s.width - P + 1), rnd.int(s.height - P + 1), P);
}

export function sliceBatches(samples: SliceData[], o: SliceBatchOptions): BatchSource {
  const side = samples[0]?.width ?? 0;
  if (samples.some((s) => s.width !== side || s.height !== side))
    throw new RangeError('slices must be square, one size');
  if (o.patch !== undefined && !(Number.isInteger(o.patch) && o.patch >= 1 && o.patch <= side))
    throw new RangeError(`patch must be a whole number of pixels in [1, ${side}]`);
  const S = o.patch ?? side;
  const C = samples[0]?.channels ?? 1;
  if (samples.some((s) => (s.channels ?? 1) !== C))
    throw new RangeError('slices must have one channel count');
  const f = o.foregroundFraction ?? 0;
  if (!(f >= 0 && f <= 1)) throw new RangeError('foregroundFraction must be in [0, 1]');
  const withForeground = [...samples.keys()].filter((i) => samples[i]!.target.some((v) => v !== 0));
  const batches = Math.floor(samples.length / o.batchSize); // the last, partial batch is left out
  const orders = new Map<number, number[]>();
  const order = (epoch: number): number[] => {
    let ord = orders.get(epoch);
    if (!ord) {
      ord = new SeededRandom(o.seed * 7919 + epoch).shuffle([...samples.keys()]);
      orders.clear();
      orders.set(epoch, ord);
    }
    return ord;
  };
  return {
    shape: [S, S, C, 1],
    batchesPerEpoch: () => batches,
    batch: (epoch, i) => {
      const ord = order(epoch);
      const rnd = new SeededRandom(o.seed * 104729 + epoch * 1009 + i);
      const x = new Float32Array(o.batchSize * S * S * C);
      const y = new Float32Array(o.batchSize * S * S);
      for (let b = 0; b < o.batchSize; b++) {
        const fromForeground = f > 0 && rnd.next() < f && withForeground.length > 0;
        const pick = fromForeground
          ? withForeground[rnd.int(withForeground.length)]!
          : ord[i * o.batchSize + b]!;
        const s =
          o.patch === undefined ? samples[pick]! : randomWindow(samples[pick]!, S, fromForeground, rnd);
        if (!o.augmentation) {
          writeSample(s, o.norm, o.augment ? rnd.int(8) : 0, x, y, b);
          continue;
        }
        const px = S * S;
        const k = o.symmetries ? rnd.int(8) : 0;
        const planes = Array.from({ length: C }, (_, c) =>
          symmetricPlane(
            Float32Array.from(s.image.subarray(c * px, (c + 1) * px), (v) => (v - o.norm.mean) / o.norm.std),
            k,
            S,
          ),
        );
        const tgt = symmetricPlane(
          s.soft ? Float32Array.from(s.soft, (v) => v / 255) : Float32Array.from(s.target),
          k,
          S,
        );
        const a = augmentSample({ width: S, height: S, channels: planes, target: tgt }, o.augmentation, rnd, {
          positionChannels: o.positionChannels ?? 0,
          softTarget: s.soft !== undefined,
        });
        for (let p = 0; p < px; p++) for (let c = 0; c < C; c++) x[(b * px + p) * C + c] = a.channels[c]![p]!;
        y.set(a.target!, b * px);
      }
      return { x, y, n: o.batchSize };
    },
  };
}
