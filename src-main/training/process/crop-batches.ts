// Training batches from the slices of a data set file: square crops of side S, a share of them centred on
// a foreground pixel (the rest anywhere), zero-padded where a crop leaves the slice, mirrored at random.
// Every choice of batch i of epoch e comes from a generator seeded by (seed, e, i), so a run resumed at
// epoch e sees exactly the batches an uninterrupted run would have seen.
//
// Layout: a slice is ny rows of nx pixels (pixel (i, j) at i + j*nx, i the volume's first axis); batches
// are NHWC [n, S, S, 1] with H along j and W along i. Images: byte / 255 (normalised to [0, 1] already
// by normalise.ts); targets: byte / 255 (0/1 masks, or probabilities for soft targets).
import type { AugmentConfig } from '../augment/augment-config';
import { augmentSample } from '../augment/augment-sample';
import type { BatchSource } from '../engine/train-loop';
import { SeededRandom } from '../model/seeded-random';

export interface SliceRef {
  caseId: number;
  width: number;
  height: number;
  image: Uint8Array;
  target: Uint8Array;
  /** Indices (i + j*nx) of pixels with target >= 128. */
  foreground: Uint32Array;
}

export function sliceRefs(
  caseId: number,
  images: Uint8Array,
  targets: Uint8Array,
  slices: number,
  width: number,
  height: number,
): SliceRef[] {
  const n = width * height;
  const out: SliceRef[] = [];
  for (let s = 0; s < slices; s++) {
    const image = images.subarray(s * n, (s + 1) * n);
    const target = targets.subarray(s * n, (s + 1) * n);
    const fg: number[] = [];
    for (let p = 0; p < n; p++) if (target[p]! >= 128) fg.push(p);
    out.push({ caseId, width, height, image, target, foreground: Uint32Array.from(fg) });
  }
  return out;
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
  },
): BatchSource {
  const S = o.cropSize;
  if (slices.length === 0) throw new RangeError('no training slices');
  const batches = Math.max(1, Math.floor(slices.length / o.batchSize));
  return {
    shape: [S, S, 1, 1],
    batchesPerEpoch: () => batches,
    batch: (epoch, i) => {
      const order = new SeededRandom(mix(o.seed, epoch, -1)).shuffle([...slices.keys()]);
      const rnd = new SeededRandom(mix(o.seed, epoch, i));
      const x = new Float32Array(o.batchSize * S * S);
      const y = new Float32Array(o.batchSize * S * S);
      for (let b = 0; b < o.batchSize; b++) {
        const s = slices[order[(i * o.batchSize + b) % order.length]!]!;
        let ci: number;
        let cj: number;
        if (s.foreground.length > 0 && rnd.next() < o.foregroundFraction) {
          const p = s.foreground[rnd.int(s.foreground.length)]!;
          ci = p % s.width;
          cj = Math.floor(p / s.width);
        } else {
          ci = rnd.int(s.width);
          cj = rnd.int(s.height);
        }
        const augment = o.augment ?? null;
        // With augmentation, mirroring is its job (its own probability per axis).
        const flipI = !augment && rnd.next() < 0.5;
        const flipJ = !augment && rnd.next() < 0.5;
        const i0 = ci - (S >> 1);
        const j0 = cj - (S >> 1);
        const off = b * S * S;
        for (let yy = 0; yy < S; yy++) {
          const j = j0 + (flipJ ? S - 1 - yy : yy);
          if (j < 0 || j >= s.height) continue;
          for (let xx = 0; xx < S; xx++) {
            const ii = i0 + (flipI ? S - 1 - xx : xx);
            if (ii < 0 || ii >= s.width) continue;
            const src = ii + j * s.width;
            x[off + xx + yy * S] = s.image[src]! / 255;
            y[off + xx + yy * S] = s.target[src]! / 255;
          }
        }
        if (augment) {
          const a = augmentSample(
            {
              width: S,
              height: S,
              channels: [x.slice(off, off + S * S)],
              target: y.slice(off, off + S * S),
            },
            augment,
            rnd,
            { softTarget: o.softTarget ?? false },
          );
          x.set(a.channels[0]!, off);
          y.set(a.target!, off);
        }
      }
      return { x, y, n: o.batchSize };
    },
  };
}

/** A slice zero-padded to [Hp, Wp] (multiples of `m`), as the model's input (NHWC, batch of one). */
export function paddedSlice(
  image: Uint8Array,
  width: number,
  height: number,
  m: number,
): { x: Float32Array; hp: number; wp: number } {
  const wp = Math.ceil(width / m) * m;
  const hp = Math.ceil(height / m) * m;
  const x = new Float32Array(hp * wp);
  for (let j = 0; j < height; j++)
    for (let i = 0; i < width; i++) x[i + j * wp] = image[i + j * width]! / 255;
  return { x, hp, wp };
}
