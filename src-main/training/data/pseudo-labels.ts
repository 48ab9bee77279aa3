// Pseudo-labels for semi-supervised training: the run's own model labels the project's unlabelled cases,
// and those labels train it further, each voxel weighted by how sure the model was.
//
// A voxel's pseudo-label is hard: foreground where the model's probability p reaches the run's threshold
// t (validation's: 0.5, or between the raters' shares for the agreement target, data/agreement.ts), after
// the probabilities are aligned (alignedThreshold below): a model trained on the agreement is over-confident
// at the matched threshold (on LIDC it marked about twice the voxels the raters' majority marks), so labels
// cut there would teach every nodule that large. With `soft` a label is p itself, on the agreement's scale
// (measured and not used by the trainer: bench/RESULTS-few-labels.md, "Unlabelled cases"). Either way a
// voxel's weight is the model's confidence in its answer at t, the distance of p from t scaled to [0, 1] on
// each side: (p - t) / (1 - t) above, (t - p) / t below; for
// t = 0.5 that is |p - 0.5| * 2. Voxels below the confidence floor weigh 0 (they teach nothing: the
// model was guessing). Labels and weights are bytes (255 = foreground / weight 1), the data set's
// convention (process/crop-batches.ts).
//
// Rounds: the run's epochs are cut into rounds + 1 equal parts. The first part trains on the labelled
// cases only (the warm-up: a random network's labels would be noise); each later part starts by labelling
// the unlabelled cases again with the model as it is then (the weights' moving average when the run keeps
// one), so the pseudo-labels improve with the model.

export interface PseudoLabelOptions {
  /** The probability at or above which a voxel is foreground (0 < t < 1). */
  threshold: number;
  /** Voxels whose confidence is below this weigh 0 (0 <= floor < 1). */
  minConfidence: number;
  /** Targets round(255 * p), kept on p's side of the threshold, instead of 0 or 255. */
  soft?: boolean;
}

export interface PseudoLabels {
  /** 0 or 255 per confident pixel (round(255 * p) with `soft`), 0 where the weight is 0. */
  target: Uint8Array;
  /** round(255 * confidence) per pixel, 0 below the floor. */
  weight: Uint8Array;
  /** Pixels at or above the floor, and how many of them are foreground (p >= t). */
  confident: number;
  foreground: number;
  /** Sum of the weights (0..1) of the confident pixels. */
  weightSum: number;
}

/** The smallest target byte that is foreground at threshold t: soft pseudo-labels' bytes keep the side of t
 *  their probability is on (round(255 * p) is moved across it where rounding alone would not), so the
 *  bytes, the crops' foreground and the round's counts agree. */
export const foregroundByte = (threshold: number): number =>
  Math.min(255, Math.max(1, Math.ceil(threshold * 255)));

/** The model's confidence in its own hard answer at threshold t, in [0, 1]. */
export function confidenceOf(p: number, t: number): number {
  const c = p >= t ? (p - t) / (1 - t) : (t - p) / t;
  return Math.min(1, Math.max(0, c));
}

export function checkPseudoOptions(o: PseudoLabelOptions): void {
  if (!(o.threshold > 0 && o.threshold < 1)) throw new RangeError('the threshold must be in (0, 1)');
  if (!(o.minConfidence >= 0 && o.minConfidence < 1))
    throw new RangeError('the confidence floor must be in [0, 1)');
}

/** Pseudo-labels and weights from foreground probabilities (one slice or a whole volume, any layout). */
export function pseudoLabels(probability: ArrayLike<number>, o: PseudoLabelOptions): PseudoLabels {
  checkPseudoOptions(o);
  const n = probability.length;
  const target = new Uint8Array(n);
  const weight = new Uint8Array(n);
  let confident = 0;
  let foreground = 0;
  let weightSum = 0;
  const fb = foregroundByte(o.threshold);
  for (let i = 0; i < n; i++) {
    const p = probability[i]!;
    const c = confidenceOf(p, o.threshold);
    if (c < o.minConfidence) continue;
    // A confident voxel keeps at least weight 1/255: 0 means "left out".
    const w = Math.max(1, Math.round(c * 255));
    weight[i] = w;
    confident++;
    weightSum += w / 255;
    if (o.soft) {
      const b = Math.round(Math.min(1, Math.max(0, p)) * 255);
      target[i] = p >= o.threshold ? Math.max(b, fb) : Math.min(b, fb - 1);
    }
    if (p >= o.threshold) {
      if (!o.soft) target[i] = 255;
      foreground++;
    }
  }
  return { target, weight, confident, foreground, weightSum };
}

/** The probability above which a share `share` (0..1) of all the pixels of `probabilities` lie: the
 *  (1 - share) quantile, to 1/1000 (a histogram of 1000 bins; the bin's upper edge, so at most that share
 *  lies at or above it, but for ties within a bin). Distribution alignment: cut there, a round's
 *  pseudo-labels mark as much of the unlabelled cases as the experts marked of the labelled ones. Without it
 *  each round drew more than the last, a model's over-confidence fed back to it (bench/RESULTS-few-labels.md,
 *  "Unlabelled cases"). */
export function alignedThreshold(probabilities: ArrayLike<number>[], share: number): number {
  const h = new ProbabilityHistogram();
  for (const p of probabilities) h.add(p);
  return h.cut(share);
}

/** The histogram behind alignedThreshold, filled slice by slice (so a round need not keep every slice's
 *  probabilities: process/pseudo-rounds.ts). */
export class ProbabilityHistogram {
  private readonly bins = new Float64Array(1000);
  private total = 0;

  add(p: ArrayLike<number>): void {
    const bins = this.bins;
    for (let i = 0; i < p.length; i++) {
      const b = Math.min(999, Math.max(0, Math.floor(p[i]! * 1000)));
      bins[b] = bins[b]! + 1;
    }
    this.total += p.length;
  }

  /** alignedThreshold's cut for the pixels added so far. */
  cut(share: number): number {
    if (!(share >= 0 && share <= 1)) throw new RangeError('the foreground share must be in [0, 1]');
    let above = 0;
    for (let b = 999; b >= 0; b--) {
      if (above + this.bins[b]! > share * this.total) return (b + 1) / 1000;
      above += this.bins[b]!;
    }
    return 0;
  }
}

/** p mapped piecewise linearly so that `from` goes to `to` (0 and 1 stay): the aligned threshold onto the
 *  run's own, so the pseudo-labels' probabilities read on the targets' scale. `from` is kept within
 *  [0.01, 0.99]. */
export function alignProbability(p: number, from: number, to: number): number {
  const f = Math.min(0.99, Math.max(0.01, from));
  return p < f ? (p / f) * to : to + ((p - f) / (1 - f)) * (1 - to);
}

/** The epochs (0-based) at which the unlabelled cases are labelled again: the starts of parts 1..rounds of
 *  `epochs` cut into rounds + 1 near-equal parts (the first part is the warm-up on labelled cases only). */
export function pseudoRoundStarts(epochs: number, rounds: number): number[] {
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw new RangeError('rounds must be an integer >= 1');
  if (!(Number.isInteger(epochs) && epochs >= rounds + 1))
    throw new RangeError(
      `${rounds} pseudo-label round(s) need at least ${rounds + 1} epochs (got ${epochs})`,
    );
  return Array.from({ length: rounds }, (_, r) => Math.round(((r + 1) * epochs) / (rounds + 1)));
}

/** The round whose pseudo-labels train epoch `epoch` (0: the warm-up, none yet). */
export function roundOfEpoch(starts: number[], epoch: number): number {
  let r = 0;
  for (const s of starts) if (epoch >= s) r++;
  return r;
}

/** Pseudo-labelled crops added to a batch per labelled crop once there are pseudo-labels: the unlabelled
 *  slices per labelled slice, at most 1. They are added, never put in the labelled crops' place: the experts'
 *  labels keep every slot they had (given half of each batch, as before, the pseudo-labels took half of a
 *  small labelled set's crops). */
export function pseudoRatio(labelledSlices: number, pseudoSlices: number): number {
  if (pseudoSlices <= 0 || labelledSlices <= 0) return 0;
  return Math.min(1, pseudoSlices / labelledSlices);
}
