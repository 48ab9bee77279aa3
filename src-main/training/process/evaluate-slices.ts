// Validation of a binary model on whole slices of the held-out cases: probability > threshold (0.5 unless
// told) against the reference (target >= the slice's referenceMin: probability 0.5, or the raters' strict
// majority for the agreement target), Dice pooled over every pixel of every slice (empty slices included),
// overall and per case. With `tta`, a pixel's probability is the mean over the slice's 4 flips (none, i, j,
// both: nnU-Net's mirroring in 2D), each mapped back to the slice's own pixels.
import { tf } from '../backends/tfjs';
import { diceOf, type DiceCounts } from '../engine/evaluate';
import { FLIPS, flippedIndex } from '../engine/infer-volume';
import { inputMultiple } from '../model/unet-config';
import type { UNet } from '../model/unet';
import { paddedSlice, type SliceRef } from './crop-batches';

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

export async function foregroundProbability(
  model: UNet,
  image: Uint8Array,
  width: number,
  height: number,
  tta = false,
): Promise<Float32Array> {
  const C = model.config.inChannels;
  const views = tta ? FLIPS : 1;
  const out = new Float32Array(width * height);
  for (let f = 0; f < views; f++) {
    const v = flipped(image, width, height, C, f);
    const { x, hp, wp } = paddedSlice(v, width, height, inputMultiple(model.config), C);
    const probs = tf.tidy(() => tf.sigmoid(model.apply(tf.tensor4d(x, [1, hp, wp, C]))));
    const p = (await probs.data()) as Float32Array;
    probs.dispose();
    // View f's pixel (i, j) shows the slice's pixel flippedIndex(f, i, j): a flip is its own inverse.
    for (let j = 0; j < height; j++)
      for (let i = 0; i < width; i++) {
        const at = flippedIndex(f, i, j, width, height);
        out[at] = out[at]! + p[i + j * wp]! / views;
      }
  }
  return out;
}

export interface ValidationOptions {
  signal?: AbortSignal;
  /** Foreground when the probability exceeds this (default 0.5). */
  threshold?: number;
  /** Mean probability over the 4 flips. */
  tta?: boolean;
}

export async function validationDice(
  model: UNet,
  slices: SliceRef[],
  o: ValidationOptions = {},
): Promise<{ dice: number; perCase: Record<string, number> }> {
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
