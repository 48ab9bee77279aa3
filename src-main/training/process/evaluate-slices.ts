// Validation of a binary model on whole slices of the held-out cases: probability > threshold (0.5 unless
// told) against the reference (target >= the slice's referenceMin: probability 0.5, or the raters' strict
// majority for the agreement target), Dice pooled over every pixel of every slice (empty slices included),
// overall and per case. With `tta`, a pixel's probability is the mean over the slice's 4 flips (none, i, j,
// both: nnU-Net's mirroring in 2D), each mapped back to the slice's own pixels.
// A model of several labels (slices with L target planes) is validated by the argmax of its softmax against
// each pixel's reference label (the label whose plane reaches referenceMin, data/multi-label.ts): Dice per
// label pooled the same way, and their mean as the run's figure (overall and per case).
import { tf } from '../backends/tfjs';
import { diceOf, type DiceCounts } from '../engine/evaluate';
import { FLIPS, flippedIndex } from '../engine/infer-volume';
import { imageChannels, inputMultiple } from '../model/unet-config';
import { mirrorFrame, sliceFrame } from '../data/coordinate-planes';
import type { Network } from '../model/ensemble';
import { paddedSlice, type SliceRef } from './crop-batches';
import {
  argmaxClass,
  countPixel,
  emptyCounts,
  labelDice,
  referenceClass,
  type LabelCounts,
} from '../data/multi-label';

/** Slice channels (channel-major bytes) mirrored along i and/or j. */
function flipped(image: Uint8Array, width: number, height: number, channels: number, f: number): Uint8Array {
  if (f === 0) return image;
  const n = width * height;
  const out = new Uint8Array(image.length);
  for (let c = 0; c < channels; c++)
    for (let j = 0; j < height; j++)
      for (let i = 0; i < width; i++)
        out[c * n + i + j * width] = image[c * n + flippedIndex(f, i, j, width, height)]!;
  return out;
}

/** The model's probabilities for one slice, K per pixel (pixel-major: pixel i + j*width's at (i + j*width)*K;
 *  K = 1: the foreground's sigmoid; else the softmax over background and the labels), averaged over the
 *  flips with tta. */
export async function classProbabilities(
  model: Network,
  image: Uint8Array,
  width: number,
  height: number,
  tta = false,
): Promise<Float32Array> {
  const C = imageChannels(model.config);
  const Cin = model.config.inChannels;
  const K = model.outputChannels();
  const views = tta ? FLIPS : 1;
  const out = new Float32Array(width * height * K);
  for (let f = 0; f < views; f++) {
    const v = flipped(image, width, height, C, f);
    const frame = model.config.coordinates
      ? mirrorFrame(sliceFrame(width, height), width, height, f)
      : undefined;
    const { x, hp, wp } = paddedSlice(v, width, height, inputMultiple(model.config), C, frame);
    const probs = tf.tidy(() => {
      const logits = model.apply(tf.tensor4d(x, [1, hp, wp, Cin]));
      return K === 1 ? tf.sigmoid(logits) : tf.softmax(logits, -1);
    });
    const p = (await probs.data()) as Float32Array;
    probs.dispose();
    // View f's pixel (i, j) shows the slice's pixel flippedIndex(f, i, j): a flip is its own inverse.
    for (let j = 0; j < height; j++)
      for (let i = 0; i < width; i++) {
        const at = flippedIndex(f, i, j, width, height) * K;
        for (let c = 0; c < K; c++) out[at + c] = out[at + c]! + p[(i + j * wp) * K + c]! / views;
      }
  }
  return out;
}

/** A one-label model's foreground probability per pixel of one slice (i + j*width). */
export function foregroundProbability(
  model: Network,
  image: Uint8Array,
  width: number,
  height: number,
  tta = false,
): Promise<Float32Array> {
  return classProbabilities(model, image, width, height, tta);
}

export interface ValidationOptions {
  signal?: AbortSignal;
  /** Foreground when the probability exceeds this (default 0.5). */
  threshold?: number;
  /** Mean probability over the 4 flips. */
  tta?: boolean;
}

export async function validationDice(
  model: Network,
  slices: SliceRef[],
  o: ValidationOptions = {},
): Promise<{ dice: number; perCase: Record<string, number>; perLabel?: number[] }> {
  if ((slices[0]?.planes ?? 1) > 1) return labelsValidation(model, slices, o);
  const threshold = o.threshold ?? 0.5;
  const perCase = new Map<number, DiceCounts>();
  for (const s of slices) {
    if (o.signal?.aborted) break;
    const p = await foregroundProbability(model, s.image, s.width, s.height, o.tta ?? false);
    const c = perCase.get(s.caseId) ?? { intersection: 0, predicted: 0, reference: 0 };
    for (let i = 0; i < p.length; i++) {
      const pred = p[i]! > threshold ? 1 : 0;
      const ref = s.target[i]! >= s.referenceMin ? 1 : 0;
      c.intersection += pred & ref;
      c.predicted += pred;
      c.reference += ref;
    }
    perCase.set(s.caseId, c);
  }
  const total: DiceCounts = { intersection: 0, predicted: 0, reference: 0 };
  for (const c of perCase.values()) {
    total.intersection += c.intersection;
    total.predicted += c.predicted;
    total.reference += c.reference;
  }
  return {
    dice: diceOf(total),
    perCase: Object.fromEntries([...perCase].map(([k, c]) => [String(k), diceOf(c)])),
  };
}

/** Validation of a model of L >= 2 labels: argmax against the reference label, Dice per label pooled over
 *  every pixel of every slice, their mean overall and per case. */
async function labelsValidation(
  model: Network,
  slices: SliceRef[],
  o: ValidationOptions,
): Promise<{ dice: number; perCase: Record<string, number>; perLabel: number[] }> {
  const L = slices[0]!.planes;
  const K = L + 1;
  if (model.outputChannels() !== K)
    throw new RangeError(`the model has ${model.outputChannels()} outputs, the data ${L} labels`);
  const perCase = new Map<number, LabelCounts[]>();
  for (const s of slices) {
    if (o.signal?.aborted) break;
    const p = await classProbabilities(model, s.image, s.width, s.height, o.tta ?? false);
    const counts = perCase.get(s.caseId) ?? emptyCounts(L);
    const n = s.width * s.height;
    for (let i = 0; i < n; i++)
      countPixel(counts, argmaxClass(p, i * K, K), referenceClass(s.target, n, L, i, s.referenceMin));
    perCase.set(s.caseId, counts);
  }
  const total = emptyCounts(L);
  for (const c of perCase.values())
    c.forEach((x, l) => {
      total[l]!.intersection += x.intersection;
      total[l]!.predicted += x.predicted;
      total[l]!.reference += x.reference;
    });
  const all = labelDice(total);
  return {
    dice: all.mean,
    perCase: Object.fromEntries([...perCase].map(([k, c]) => [String(k), labelDice(c).mean])),
    perLabel: all.perLabel,
  };
}

/** Pooled Dice of a one-label model at each of `thresholds` (probability > t is foreground), over the same
 *  slices and reference as validationDice: one pass of the model (with `tta`, the flips' mean) for them all. */
export async function thresholdScan(
  model: Network,
  slices: SliceRef[],
  thresholds: number[],
  o: { signal?: AbortSignal; tta?: boolean } = {},
): Promise<number[]> {
  const intersection = new Float64Array(thresholds.length);
  const predicted = new Float64Array(thresholds.length);
  let reference = 0;
  for (const s of slices) {
    if (o.signal?.aborted) break;
    const p = await foregroundProbability(model, s.image, s.width, s.height, o.tta ?? false);
    for (let i = 0; i < p.length; i++) {
      const ref = s.target[i]! >= s.referenceMin ? 1 : 0;
      reference += ref;
      const v = p[i]!;
      for (let k = 0; k < thresholds.length; k++)
        if (v > thresholds[k]!) {
          predicted[k] = predicted[k]! + 1;
          intersection[k] = intersection[k]! + ref;
        }
    }
  }
  return thresholds.map((_, k) =>
    diceOf({ intersection: intersection[k]!, predicted: predicted[k]!, reference }),
  );
}
