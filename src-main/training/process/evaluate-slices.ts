// Validation of a binary model on whole slices of the held-out cases: probability > 0.5 against
// target >= 0.5, Dice pooled over every pixel of every slice (empty slices included), overall and per case.
import { tf } from '../backends/tfjs';
import { diceOf, type DiceCounts } from '../engine/evaluate';
import { inputMultiple } from '../model/unet-config';
import type { UNet } from '../model/unet';
import { paddedSlice, type SliceRef } from './crop-batches';

export async function foregroundProbability(
  model: UNet,
  image: Uint8Array,
  width: number,
  height: number,
): Promise<Float32Array> {
  const C = model.config.inChannels;
  const { x, hp, wp } = paddedSlice(image, width, height, inputMultiple(model.config), C);
  const probs = tf.tidy(() => tf.sigmoid(model.apply(tf.tensor4d(x, [1, hp, wp, C]))));
  const p = (await probs.data()) as Float32Array;
  probs.dispose();
  if (wp === width && hp === height) return p;
  const out = new Float32Array(width * height);
  for (let j = 0; j < height; j++) out.set(p.subarray(j * wp, j * wp + width), j * width);
  return out;
}

export async function validationDice(
  model: UNet,
  slices: SliceRef[],
  signal?: AbortSignal,
): Promise<{ dice: number; perCase: Record<string, number> }> {
  const perCase = new Map<number, DiceCounts>();
  for (const s of slices) {
    if (signal?.aborted) break;
    const p = await foregroundProbability(model, s.image, s.width, s.height);
    const c = perCase.get(s.caseId) ?? { intersection: 0, predicted: 0, reference: 0 };
    for (let i = 0; i < p.length; i++) {
      const pred = p[i]! > 0.5 ? 1 : 0;
      const ref = s.target[i]! >= 128 ? 1 : 0;
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
