// Pseudo-labels for semi-supervised training: the run's own model labels the project's unlabelled cases,
// and those labels train it further, each voxel weighted by how sure the model was.
//
// A voxel's pseudo-label is hard: foreground when the model's probability p reaches the run's threshold t
// (validation's: 0.5, or between the raters' shares for the agreement target, data/agreement.ts), so the
// pseudo-labels say what the run's drafts would say. Its weight is the model's confidence in that answer,
// the distance of p from t scaled to [0, 1] on each side: (p - t) / (1 - t) above, (t - p) / t below; for
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
}

export interface PseudoLabels {
  /** 0 or 255 per pixel. */
  target: Uint8Array;
  /** round(255 * confidence) per pixel, 0 below the floor. */
  weight: Uint8Array;
  /** Pixels at or above the floor, and how many of them are foreground. */
  confident: number;
  foreground: number;
  /** Sum of the weights (0..1) of the confident pixels. */
  weightSum: number;
}

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
  for (let i = 0; i < n; i++) {
    const p = probability[i]!;
    const c = confidenceOf(p, o.threshold);
    if (c < o.minConfidence) continue;
    // A confident voxel keeps at least weight 1/255: 0 means "left out".
    const w = Math.max(1, Math.round(c * 255));
    weight[i] = w;
    confident++;
    weightSum += w / 255;
    if (p >= o.threshold) {
      target[i] = 255;
      foreground++;
    }
  }
  return { target, weight, confident, foreground, weightSum };
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

/** Share of a batch's slots that are pseudo-labelled crops once there are pseudo-labels: the unlabelled
 *  slices' share of all training slices, at most a half, so each batch keeps at least as many crops with
 *  the experts' labels as with the model's own. */
export function pseudoShare(labelledSlices: number, pseudoSlices: number): number {
  if (pseudoSlices <= 0) return 0;
  return Math.min(0.5, pseudoSlices / (labelledSlices + pseudoSlices));
}
