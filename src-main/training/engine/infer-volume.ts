// Inference of a 2D (or 2.5D) U-Net over a volume, axial slice by axial slice, several slices per forward
// pass, with progress and cancellation between batches, and the model's uncertainty.
//
// Layout: the volume is nx*ny*nz values, voxel (i, j, k) at i + j*nx + k*nx*ny (DESIGN.md §3), already
// normalised (data/normalise.ts). Slice k is the model's image with H = ny rows (j) and W = nx columns (i),
// zero-padded at the high ends of i and j to multiples of 2^(levels-1) (0 = the normalised mean), the
// padding cut off again. 2.5D models (2h+1 image channels) get slices k-h..k+h as channels, repeated at the
// volume's ends; models with coordinate planes get them after (data/coordinate-planes.ts). With `tta`, each
// slice also goes through mirrored along i, along j and along both, and the probabilities of the 4 views,
// each mapped back to the slice's pixels, are averaged (nnU-Net's test-time mirroring in 2D; flips keep any
// slice's shape, where 90-degree turns would not). Outputs are in the volume's layout.
import { CancelledError } from '../../core/errors';
import { tf } from '../backends/tfjs';
import type { Network } from '../model/ensemble';
import { imageChannels, inputMultiple } from '../model/unet-config';
import { sliceChannels } from '../data/stack-slices';
import { mirrorFrame, sliceFrame, writeCoordinates, type CoordinateFrame } from '../data/coordinate-planes';
import type { LabelUncertainty } from '../data/multi-label';

export interface InferVolumeOptions {
  /** Slices per forward pass (default 8). */
  batchSize?: number;
  signal?: AbortSignal;
  /** After each batch: slices done of all. */
  onProgress?: (p: { slicesDone: number; slices: number }) => void;
  /** Keep the foreground probability of every voxel (4 bytes a voxel; default false). */
  keepProbabilities?: boolean;
  /** Foreground threshold for one-label models (default 0.5). */
  threshold?: number;
  /** Average the probabilities over the slice's 4 flips (4 forward passes a slice; default false). */
  tta?: boolean;
  /** For a model with coordinate planes: where the volume's slices lie on the slices the planes are
   *  measured on (a quick draft's resampled box on the scan's slices); default the volume's own slices. */
  frame?: CoordinateFrame;
}

/** Test-time views: none, mirrored along i, along j, along both. */
export const FLIPS = 4;

/** The index (i + j*width) of the pixel that view f shows at (i, j): bit 0 mirrors i, bit 1 mirrors j. */
export function flippedIndex(f: number, i: number, j: number, width: number, height: number): number {
  return (f & 1 ? width - 1 - i : i) + (f & 2 ? height - 1 - j : j) * width;
}

export interface VolumeInference {
  dims: [number, number, number];
  /** 0 background, else the label 1..L (argmax for several labels, probability > threshold for one). */
  labels: Uint8Array;
  /** P(foreground) per voxel (1 - P(background) for several labels), when asked for. */
  probabilities: Float32Array | null;
  /** Mean entropy of the predicted distribution per voxel, in bits (binary for one label, categorical
   *  over L+1 classes otherwise): the uncertainty active learning ranks cases by. */
  meanEntropyBits: number;
  /** The same per slice k (length nz). */
  sliceEntropyBits: Float64Array;
  foregroundVoxels: number;
  /** Several labels: per label (class 1..L at index 0..L-1), the voxels predicted as it, and over them the
   *  mean categorical entropy in bits and the mean of 1 - the top probability: which structure the model
   *  is unsure of. */
  labelUncertainty?: LabelUncertainty[];
}

function binaryEntropy(p: number): number {
  const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
  return -(q * Math.log2(q) + (1 - q) * Math.log2(1 - q));
}

export async function inferVolume(
  model: Network,
  volume: { dims: [number, number, number]; data: Float32Array },
  o: InferVolumeOptions = {},
): Promise<VolumeInference> {
  const [nx, ny, nz] = volume.dims;
  const n = nx * ny;
  if (volume.data.length !== n * nz)
    throw new RangeError(`volume has ${volume.data.length} values, dims ${nx}x${ny}x${nz} need ${n * nz}`);
  const batchSize = o.batchSize ?? 8;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError('batchSize must be an integer >= 1');
  const threshold = o.threshold ?? 0.5;
  const C = model.config.inChannels;
  const image = imageChannels(model.config);
  if (image % 2 !== 1) throw new RangeError(`a 2.5D model needs an odd slice count, this one has ${image}`);
  const half = (image - 1) / 2;
  const frame = model.config.coordinates ? (o.frame ?? sliceFrame(nx, ny)) : null;
  const K = model.outputChannels();
  const m = inputMultiple(model.config);
  const wp = Math.ceil(nx / m) * m;
  const hp = Math.ceil(ny / m) * m;
  const labels = new Uint8Array(n * nz);
  const probabilities = o.keepProbabilities ? new Float32Array(n * nz) : null;
  const sliceEntropy = new Float64Array(nz);
  let foreground = 0;
  // Several labels: per class 1..K-1, voxels, entropy sum (bits), sum of 1 - top probability.
  const perClass = K > 1 ? new Float64Array(3 * K) : null;
  for (let k0 = 0; k0 < nz; k0 += batchSize) {
    // Let a cancel request (a message, a timer) in between batches.
    await new Promise((r) => setImmediate(r));
    if (o.signal?.aborted) throw new CancelledError('inference');
    const b = Math.min(batchSize, nz - k0);
    const x = new Float32Array(b * hp * wp * C);
    for (let s = 0; s < b; s++) {
      sliceChannels(volume.data, volume.dims, k0 + s, half, x, s * hp * wp * C, wp, hp, C);
      if (frame) writeCoordinates(x, s * hp * wp * C, C, image, wp, hp, frame);
    }
    const p = o.tta ? new Float32Array(b * hp * wp * K) : null;
    const xv = o.tta ? new Float32Array(x.length) : x;
    let plain: Float32Array | null = null;
    for (let f = 0; f < (o.tta ? FLIPS : 1); f++) {
      // The view's image: the slice's pixels mirrored; its coordinate planes: those of the mirrored frame,
      // over the padding too (data/coordinate-planes.ts).
      if (o.tta)
        for (let s = 0; s < b; s++) {
          for (let j = 0; j < ny; j++)
            for (let i = 0; i < nx; i++) {
              const src = s * hp * wp + (f & 2 ? ny - 1 - j : j) * wp + (f & 1 ? nx - 1 - i : i);
              const dst = s * hp * wp + j * wp + i;
              for (let c = 0; c < image; c++) xv[dst * C + c] = x[src * C + c]!;
            }
          if (frame) writeCoordinates(xv, s * hp * wp * C, C, image, wp, hp, mirrorFrame(frame, nx, ny, f));
        }
      const probs = tf.tidy(() => {
        const logits = model.apply(tf.tensor4d(xv, [b, hp, wp, C]));
        return K === 1 ? tf.sigmoid(logits) : tf.softmax(logits, -1);
      });
      const pv = (await probs.data()) as Float32Array;
      probs.dispose();
      if (!p) {
        plain = pv;
        continue;
      }
      // View pixel (i, j) shows the slice's pixel mirrored by f (a flip is its own inverse).
      for (let s = 0; s < b; s++)
        for (let j = 0; j < ny; j++)
          for (let i = 0; i < nx; i++) {
            const from = (s * hp * wp + j * wp + i) * K;
            const to = (s * hp * wp + (f & 2 ? ny - 1 - j : j) * wp + (f & 1 ? nx - 1 - i : i)) * K;
            for (let c = 0; c < K; c++) p[to + c] = p[to + c]! + pv[from + c]! / FLIPS;
          }
    }
    const probsOut = p ?? plain!;
    for (let s = 0; s < b; s++) {
      const k = k0 + s;
      let ent = 0;
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const src = (s * hp * wp + j * wp + i) * K;
          const dst = k * n + j * nx + i;
          let label = 0;
          let fgP: number;
          if (K === 1) {
            fgP = probsOut[src]!;
            ent += binaryEntropy(fgP);
            if (fgP > threshold) label = 1;
          } else {
            let best = probsOut[src]!;
            let h = 0;
            for (let c = 0; c < K; c++) {
              const q = probsOut[src + c]!;
              if (q > 1e-12) h -= q * Math.log2(q);
              if (c > 0 && q > best) {
                best = q;
                label = c;
              }
            }
            ent += h;
            fgP = 1 - probsOut[src]!;
            if (label && perClass) {
              perClass[3 * label] = perClass[3 * label]! + 1;
              perClass[3 * label + 1] = perClass[3 * label + 1]! + h;
              perClass[3 * label + 2] = perClass[3 * label + 2]! + 1 - best;
            }
          }
          if (label) {
            labels[dst] = label;
            foreground++;
          }
          if (probabilities) probabilities[dst] = fgP;
        }
      sliceEntropy[k] = ent / n;
    }
    o.onProgress?.({ slicesDone: k0 + b, slices: nz });
  }
  const meanEntropyBits = sliceEntropy.reduce((a, v) => a + v, 0) / Math.max(1, nz);
  return {
    dims: [nx, ny, nz],
    labels,
    probabilities,
    meanEntropyBits,
    sliceEntropyBits: sliceEntropy,
    foregroundVoxels: foreground,
    ...(perClass
      ? {
          labelUncertainty: Array.from({ length: K - 1 }, (_, l) => {
            const v = perClass[3 * (l + 1)]!;
            return {
              voxels: v,
              meanEntropyBits: v ? perClass[3 * (l + 1) + 1]! / v : 0,
              meanOneMinusMax: v ? perClass[3 * (l + 1) + 2]! / v : 0,
            };
          }),
        }
      : {}),
  };
}
