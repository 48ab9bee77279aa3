// Pseudo-labels for semi-supervised training: the run's refit (the teacher) labels the project's unlabelled
// cases, and a last training from the run's start (the student) learns from them beside every labelled
// case, each voxel weighted by how sure the teacher was (process/pseudo-cases.ts runs it;
// bench/RESULTS-few-labels.md, "The refit's labels", measured it).
//
// A voxel's pseudo-label is hard: foreground where the teacher's probability p reaches the threshold t its
// drafts use (validation's choice, process/calibrate.ts, so the labels are the teacher's own drafts). Its
// weight is the teacher's confidence in that answer, the distance of p from t scaled to [0, 1] on each side:
// (p - t) / (1 - t) above, (t - p) / t below; for t = 0.5 that is |p - 0.5| * 2. Voxels below the
// confidence floor weigh 0 (they teach nothing: the teacher was guessing). Labels and weights are bytes
// (255 = foreground / weight 1), the data set's convention (process/crop-batches.ts).

export interface PseudoLabelOptions {
  /** The probability at or above which a voxel is foreground (0 < t < 1). */
  threshold: number;
  /** Voxels whose confidence is below this weigh 0 (0 <= floor < 1). */
  minConfidence: number;
}

export interface PseudoLabels {
  /** 0 or 255 per confident pixel, 0 where the weight is 0. */
  target: Uint8Array;
  /** round(255 * confidence) per pixel, 0 below the floor. */
  weight: Uint8Array;
  /** Pixels at or above the floor, and how many of them are foreground (p >= t). */
  confident: number;
  foreground: number;
  /** Sum of the weights (0..1) of the confident pixels. */
  weightSum: number;
}

/** The teacher's confidence in its own hard answer at threshold t, in [0, 1]. */
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
