// Validation of a binary segmentation model on 2D slices: probabilities from the model, a threshold (0.5 unless told),
// and Dice pooled over every pixel of every slice (empty slices included: a false positive on a slice
// without nodule counts), plus Dice per case (patient) for the run's record. With `tta`, the probability of
// a pixel is the mean over the 8 flips/rotations by 90 degrees of the slice (nnU-Net's mirroring at test
// time, with the transposes too), each mapped back to the slice's own pixels. With `keepCentre` r, each
// thresholded slice keeps only the components within r pixels of its centre (keep-centre.ts), and the Dice
// without that step is reported beside it.
import { tf } from '../backends/tfjs';
import type { UNet } from '../model/unet';
import { symmetric, writeSample, type Normalisation, type SliceData } from '../data/slice-batches';
import { keepCentreComponents } from './keep-centre';

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
  /** With `keepCentre`: the pooled Dice of the thresholded masks before that step. */
  unprocessedDice?: number;
}

export interface EvaluateOptions {
  /** Slices per forward pass (default 16). */
  batchSize?: number;
  /** Mean probability over the 8 flips/rotations by 90 degrees. */
  tta?: boolean;
  /** Keep only the predicted components within this many pixels of each slice's centre. */
  keepCentre?: number;
  /** A pixel is predicted foreground when its probability exceeds this (default 0.5). */
  threshold?: number;
}

function add(c: DiceCounts, pred: number, ref: number): void {
  c.intersection += pred * ref;
  c.predicted += pred;
  c.reference += ref;
}

export async function evaluateSlices(
  model: UNet,
  samples: (SliceData & { patient: string })[],
  norm: Normalisation,
  o: EvaluateOptions = {},
): Promise<Evaluation> {
  const batchSize = o.batchSize ?? 16;
  const tta = o.tta ?? false;
  const threshold = o.threshold ?? 0.5;
  const S = samples[0]?.width ?? 0;
  const C = samples[0]?.channels ?? 1;
  const total: DiceCounts = { intersection: 0, predicted: 0, reference: 0 };
  const perCase = new Map<string, DiceCounts>();
  const unprocessed: DiceCounts = { intersection: 0, predicted: 0, reference: 0 };
  for (let start = 0; start < samples.length; start += batchSize) {
    const batch = samples.slice(start, start + batchSize);
    const x = new Float32Array(batch.length * S * S * C);
    const y = new Float32Array(batch.length * S * S);
    const p = new Float32Array(batch.length * S * S);
    const views = tta ? 8 : 1;
    for (let k = 0; k < views; k++) {
      batch.forEach((s, b) => writeSample(s, norm, k, x, y, b, true));
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
    if (tta) batch.forEach((s, b) => writeSample(s, norm, 0, x, y, b, true)); // targets in the slice's own layout
    batch.forEach((s, b) => {
      const c = perCase.get(s.patient) ?? { intersection: 0, predicted: 0, reference: 0 };
      const off = b * S * S;
      const mask = Uint8Array.from(p.subarray(off, off + S * S), (v) => (v > threshold ? 1 : 0));
      const kept = o.keepCentre === undefined ? mask : keepCentreComponents(mask, S, S, o.keepCentre);
      for (let i = 0; i < S * S; i++) {
        add(c, kept[i]!, y[off + i]!);
        add(unprocessed, mask[i]!, y[off + i]!);
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
    ...(o.keepCentre !== undefined ? { unprocessedDice: diceOf(unprocessed) } : {}),
  };
}
