// Training batches from the slices of a data set file: square crops of side S. Each batch slot is, with
// probability `foregroundFraction`, a crop centred on a random foreground pixel of a random slice that has
// one (the quality benchmark's foreground sampling: a third of the slots; with several labels, a label
// drawn first, then a slice and a pixel of it); otherwise a crop at a random
// place of the epoch's next slice. A crop stays inside its slice where the slice is at least S wide (a
// centred crop moves inward at the edges) and is zero-padded only where the slice is narrower; without
// augmentation it is mirrored at random.
// Every choice of batch i of epoch e comes from a generator seeded by (seed, e, i), so a run resumed at
// epoch e sees exactly the batches an uninterrupted run would have seen.
//
// Layout: a slice is ny rows of nx pixels (pixel (i, j) at i + j*nx, i the volume's first axis); batches
// are NHWC [n, S, S, C] with H along j and W along i, C the slice's channels and, with `coordinates`, the
// two coordinate planes after them (data/coordinate-planes.ts). Images: byte / 255 (normalised to [0, 1]
// already by normalise.ts); targets: byte / 255 (0/1 masks, or probabilities for soft targets). With L >= 2 labels
// (a slice's target is L planes, data/multi-label.ts) targets are [n, S, S, L+1]: channel 0 the background
// (1 - the labels' sum), channel l the plane of label l.
import type { AugmentConfig } from '../augment/augment-config';
import { augmentSample } from '../augment/augment-sample';
import type { BatchSource } from '../engine/train-loop';
import { SeededRandom } from '../model/seeded-random';
import { COORDINATE_PLANES, type InputScaling } from '../model/unet-config';
import { coordinate, writeCoordinates, type CoordinateFrame } from '../data/coordinate-planes';

export interface SliceRef {
  caseId: number;
  width: number;
  height: number;
  /** Input channels: 1, or 2h+1 for 2.5D (slices k-h..k+h). */
  channels: number;
  /** channels * width * height bytes, channel-major (channel c's pixel (i, j) at c*n + i + j*width). */
  image: Uint8Array;
  /** planes * width * height bytes, plane-major (label l's pixel (i, j) at l*n + i + j*width). */
  target: Uint8Array;
  /** Target planes: 1 (one label, sigmoid), or L >= 2 (one per label, softmax with background). */
  planes: number;
  /** Indices (i + j*nx) of pixels where some plane's target >= referenceMin. */
  foreground: Uint32Array;
  /** Several labels: per label, the indices of its pixels (plane l's target >= referenceMin). */
  labelForeground?: Uint32Array[];
  /** The smallest target byte the reference counts as foreground: 128 (probability 0.5), or 129 for the
   *  raters' agreement (their strict majority, data/agreement.ts). */
  referenceMin: number;
  /** Per-pixel loss weight bytes (255 = 1), for pseudo-labelled slices (data/pseudo-labels.ts); absent:
   *  every pixel weighs 1. */
  weight?: Uint8Array;
}

export function sliceRefs(
  caseId: number,
  images: Uint8Array,
  targets: Uint8Array,
  slices: number,
  width: number,
  height: number,
  channels = 1,
  referenceMin = 128,
  planes = 1,
): SliceRef[] {
  const n = width * height;
  const out: SliceRef[] = [];
  for (let s = 0; s < slices; s++) {
    const image = images.subarray(s * n * channels, (s + 1) * n * channels);
    const target = targets.subarray(s * n * planes, (s + 1) * n * planes);
    const fg: number[] = [];
    const perLabel: number[][] = Array.from({ length: planes }, () => []);
    for (let p = 0; p < n; p++) {
      let any = false;
      for (let l = 0; l < planes; l++)
        if (target[l * n + p]! >= referenceMin) {
          perLabel[l]!.push(p);
          any = true;
        }
      if (any) fg.push(p);
    }
    out.push({
      caseId,
      width,
      height,
      channels,
      image,
      target,
      planes,
      foreground: Uint32Array.from(fg),
      ...(planes > 1 ? { labelForeground: perLabel.map((x) => Uint32Array.from(x)) } : {}),
      referenceMin,
    });
  }
  return out;
}

/** Mean and standard deviation of the training slices' input values (byte / 255, every channel and
 *  pixel): the scaling a new model z-scores its inputs with (unet-config.ts's `input`). A constant data
 *  set has no spread; its std is taken as 1 so the scaling stays finite. */
export function inputScalingOf(slices: SliceRef[]): InputScaling {
  // A histogram of the 256 byte values: exact, and no rounding drift over millions of pixels.
  const counts = new Float64Array(256);
  for (const s of slices)
    for (let p = 0; p < s.image.length; p++) {
      const v = s.image[p]!;
      counts[v] = counts[v]! + 1;
    }
  let n = 0;
  let sum = 0;
  for (let v = 0; v < 256; v++) {
    n += counts[v]!;
    sum += v * counts[v]!;
  }
  if (n === 0) throw new RangeError('no training slices');
  const mean = sum / n;
  let ss = 0;
  for (let v = 0; v < 256; v++) ss += counts[v]! * (v - mean) ** 2;
  const std = Math.sqrt(ss / n);
  return { mean: mean / 255, std: std > 0 ? std / 255 : 1 };
}

function mix(seed: number, epoch: number, batch: number): number {
  return (
    (Math.imul(seed, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca77) ^ Math.imul(batch + 1, 0xc2b2ae3d)) >>> 0
  );
}

export function cropBatches(
  slices: SliceRef[],
  o: {
    cropSize: number;
    batchSize: number;
    seed: number;
    foregroundFraction: number;
    /** On-the-fly augmentation of each crop (augment/: nnU-Net's transforms, one mapping for image and
     *  target); without it, crops are only mirrored at random. */
    augment?: AugmentConfig | null;
    softTarget?: boolean;
    /** The two coordinate planes after the image channels (unet-config.ts `coordinates`): each crop
     *  pixel's place on its slice, moved by the augmentation's geometry as the image is. */
    coordinates?: boolean;
  },
): BatchSource {
  const S = o.cropSize;
  if (slices.length === 0) throw new RangeError('no training slices');
  const C = slices[0]!.channels;
  const Q = o.coordinates ? COORDINATE_PLANES : 0;
  const Cin = C + Q;
  const L = slices[0]!.planes;
  const K = L === 1 ? 1 : L + 1;
  const batches = Math.max(1, Math.floor(slices.length / o.batchSize));
  const withForeground = slices.filter((s) => s.foreground.length > 0);
  // Several labels: a foreground crop first draws a label (among those present), then a slice and a pixel
  // of it, as nnU-Net samples its foreground classes; otherwise a small structure (a tumour beside its
  // liver) would be centred on as rarely as its share of foreground pixels, and its Dice term would mostly
  // see batches without it.
  const withLabel =
    L > 1
      ? Array.from({ length: L }, (_, l) => slices.filter((s) => (s.labelForeground?.[l]?.length ?? 0) > 0))
          .map((list, l) => ({ list, l }))
          .filter((x) => x.list.length > 0)
      : [];
  // Batches carry per-pixel weights only when a slice has them (pseudo-labels); a weighted slice's pixels
  // outside it (padding, or moved in by a rotation) weigh 0.
  const weighted = slices.some((s) => s.weight);
  /** First pixel of a crop along an axis of `len` pixels: inside the slice when it is at least S long. */
  const start = (len: number, centre: number | null, rnd: SeededRandom): number => {
    const lo = Math.min(0, len - S);
    const hi = Math.max(0, len - S);
    if (centre === null) return lo + rnd.int(hi - lo + 1);
    return Math.max(lo, Math.min(hi, centre - (S >> 1)));
  };
  return {
    shape: [S, S, Cin, K],
    batchesPerEpoch: () => batches,
    batch: (epoch, i) => {
      const order = new SeededRandom(mix(o.seed, epoch, -1)).shuffle([...slices.keys()]);
      const rnd = new SeededRandom(mix(o.seed, epoch, i));
      const x = new Float32Array(o.batchSize * S * S * Cin);
      const y = new Float32Array(o.batchSize * S * S * K);
      const w = weighted ? new Float32Array(o.batchSize * S * S) : undefined;
      // One crop's channels (the image's, then the coordinates'), channel-major, before they are
      // interleaved into NHWC.
      const planes = Array.from({ length: Cin }, () => new Float32Array(S * S));
      for (let b = 0; b < o.batchSize; b++) {
        const onForeground = withForeground.length > 0 && rnd.next() < o.foregroundFraction;
        const slice =
          onForeground && withLabel.length === 0
            ? withForeground[rnd.int(withForeground.length)]!
            : slices[order[(i * o.batchSize + b) % order.length]!]!;
        let i0: number;
        let j0: number;
        let s = slice;
        if (onForeground) {
          let pixels = s.foreground;
          if (withLabel.length > 0) {
            const pick = withLabel[rnd.int(withLabel.length)]!;
            s = pick.list[rnd.int(pick.list.length)]!;
            pixels = s.labelForeground![pick.l]!;
          }
          const p = pixels[rnd.int(pixels.length)]!;
          i0 = start(s.width, p % s.width, rnd);
          j0 = start(s.height, Math.floor(p / s.width), rnd);
        } else {
          i0 = start(s.width, null, rnd);
          j0 = start(s.height, null, rnd);
        }
        const augment = o.augment ?? null;
        // With augmentation, mirroring is its job (its own probability per axis).
        const flipI = !augment && rnd.next() < 0.5;
        const flipJ = !augment && rnd.next() < 0.5;
        const off = b * S * S;
        const n = s.width * s.height;
        let target: Float32Array = new Float32Array(S * S);
        // The other labels' planes (several labels): label l >= 1's crop at more[l - 1].
        let more: Float32Array[] = Array.from({ length: L - 1 }, () => new Float32Array(S * S));
        let wPlane: Float32Array | undefined = w ? new Float32Array(S * S).fill(s.weight ? 0 : 1) : undefined;
        for (const pl of planes) pl.fill(0);
        for (let yy = 0; yy < S; yy++) {
          const j = j0 + (flipJ ? S - 1 - yy : yy);
          // Coordinates everywhere, the crop's padding beyond the slice included (coordinate-planes.ts).
          if (Q > 0)
            for (let xx = 0; xx < S; xx++) {
              planes[C]![xx + yy * S] = coordinate(i0 + (flipI ? S - 1 - xx : xx), s.width);
              planes[C + 1]![xx + yy * S] = coordinate(j, s.height);
            }
          if (j < 0 || j >= s.height) continue;
          for (let xx = 0; xx < S; xx++) {
            const ii = i0 + (flipI ? S - 1 - xx : xx);
            if (ii < 0 || ii >= s.width) continue;
            const src = ii + j * s.width;
            for (let c = 0; c < C; c++) planes[c]![xx + yy * S] = s.image[c * n + src]! / 255;
            target[xx + yy * S] = s.target[src]! / 255;
            for (let l = 1; l < L; l++) more[l - 1]![xx + yy * S] = s.target[l * n + src]! / 255;
            if (wPlane && s.weight) wPlane[xx + yy * S] = s.weight[src]! / 255;
          }
        }
        let chans: Float32Array[] = planes;
        if (augment) {
          // The coordinate planes and the weights (pseudo-labels, one label only) move with the image as
          // position channels (augment-sample.ts): the geometry applies to them, the intensity transforms do
          // not, and the random draws stay the same. Where a rotation or a zoom shows more than the crop,
          // they read 0 there, as the image does.
          const a = augmentSample(
            { width: S, height: S, channels: wPlane ? [...planes, wPlane] : planes, target },
            augment,
            rnd,
            {
              softTarget: o.softTarget ?? false,
              ...(L > 1 ? { extraTargets: more } : {}),
              ...(wPlane || Q > 0 ? { positionChannels: Q + (wPlane ? 1 : 0) } : {}),
            },
          );
          chans = wPlane ? a.channels.slice(0, Cin) : a.channels;
          if (wPlane) wPlane = a.channels[Cin]!;
          target = a.target!;
          if (a.extraTargets) more = a.extraTargets;
        }
        if (K === 1) y.set(target, off);
        else
          for (let p = 0; p < S * S; p++) {
            const at = (off + p) * K;
            let sum = target[p]!;
            y[at + 1] = target[p]!;
            for (let l = 1; l < L; l++) {
              y[at + 1 + l] = more[l - 1]![p]!;
              sum += more[l - 1]![p]!;
            }
            y[at] = Math.max(0, 1 - sum);
          }
        if (w && wPlane) w.set(wPlane, off);
        for (let p = 0; p < S * S; p++) for (let c = 0; c < Cin; c++) x[(off + p) * Cin + c] = chans[c]![p]!;
      }
      return { x, y, n: o.batchSize, ...(w ? { w } : {}) };
    },
  };
}

/** A slice's channels zero-padded to [Hp, Wp] (multiples of `m`), as the model's input: NHWC, batch of
 *  one, channels interleaved; with `coordinates`, the frame's coordinate planes after them (the slice
 *  shown as `coordinates` says: engine/infer-volume.ts's mirrored views). */
export function paddedSlice(
  image: Uint8Array,
  width: number,
  height: number,
  m: number,
  channels = 1,
  coordinates?: CoordinateFrame,
): { x: Float32Array; hp: number; wp: number } {
  const wp = Math.ceil(width / m) * m;
  const hp = Math.ceil(height / m) * m;
  const n = width * height;
  const stride = channels + (coordinates ? COORDINATE_PLANES : 0);
  const x = new Float32Array(hp * wp * stride);
  for (let j = 0; j < height; j++)
    for (let i = 0; i < width; i++)
      for (let c = 0; c < channels; c++) x[(i + j * wp) * stride + c] = image[c * n + i + j * width]! / 255;
  if (coordinates) writeCoordinates(x, 0, stride, channels, wp, hp, coordinates);
  return { x, hp, wp };
}
