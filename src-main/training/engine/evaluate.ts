// Validation of a binary segmentation model on 2D slices: probabilities from the model, a 0.5 threshold,
// and Dice pooled over every pixel of every slice (empty slices included: a false positive on a slice
// without nodule counts), plus Dice per case (patient) for the run's record. With `tta`, the probability of
// a pixel is the mean over the 8 flips/rotations by 90 degrees of the slice (nnU-Net's mirroring at test
// time, with the transposes too), each mapped back to the slice's own pixels.
import { tf } from '../backends/tfjs';
import type { UNet } from '../model/unet';
import { symmetric, writeSample, type Normalisation, type SliceData } from '../data/slice-batches';

export interface DiceCounts {
  intersection: number;
  predicted: number;
  reference: number;
}

export function diceOf(c: DiceCounts): number {
  const denom = c.predicted + c.reference;
  return denom === 0 ? 1 : (2 * c.intersection) / denom;
}

export interface Evaluation {
  /** Dice over all pixels of all slices together. */
  pooledDice: number;
  perCase: Record<string, number>;
  slices: number;
  counts: DiceCounts;
}

export async function evaluateSlices(
  model: UNet,
  samples: (SliceData & { patient: string })[],
  norm: Normalisation,
  batchSize = 16,
  tta = false,
): Promise<Evaluation> {
  const S = samples[0]?.width ?? 0;
  const C = samples[0]?.channels ?? 1;
  const total: DiceCounts = { intersection: 0, predicted: 0, reference: 0 };
  const perCase = new Map<string, DiceCounts>();
  for (let start = 0; start < samples.length; start += batchSize) {
    const batch = samples.slice(start, start + batchSize);
    const x = new Float32Array(batch.length * S * S * C);
    const y = new Float32Array(batch.length * S * S);
    const p = new Float32Array(batch.length * S * S);
    const views = tta ? 8 : 1;
    for (let k = 0; k < views; k++) {
      batch.forEach((s, b) => writeSample(s, norm, k, x, y, b));
      const probs = tf.tidy(() => tf.sigmoid(model.apply(tf.tensor4d(x, [batch.length, S, S, C]))));
      const pk = (await probs.data()) as Float32Array;
      probs.dispose();
      // View k's pixel (xx, yy) shows the slice's pixel symmetric(k, xx, yy).
      for (let b = 0; b < batch.length; b++)
        for (let yy = 0; yy < S; yy++)
          for (let xx = 0; xx < S; xx++) {
            const at = b * S * S + symmetric(k, xx, yy, S);
            p[at] = p[at]! + pk[b * S * S + xx + yy * S]! / views;
          }
    }
    if (tta) batch.forEach((s, b) => writeSample(s, norm, 0, x, y, b)); // targets in the slice's own layout
    batch.forEach((s, b) => {
      const c = perCase.get(s.patient) ?? { intersection: 0, predicted: 0, reference: 0 };
      for (let i = b * S * S; i < (b + 1) * S * S; i++) {
        const pred = p[i]! > 0.5 ? 1 : 0;
        const ref = y[i]!;
        c.intersection += pred * ref;
        c.predicted += pred;
        c.reference += ref;
      }
      perCase.set(s.patient, c);
    });
  }
  for (const c of perCase.values()) {
    total.intersection += c.intersection;
    total.predicted += c.predicted;
    total.reference += c.reference;
  }
  return {
    pooledDice: diceOf(total),
    perCase: Object.fromEntries([...perCase].map(([k, c]) => [k, diceOf(c)])),
    slices: samples.length,
    counts: total,
  };
}
