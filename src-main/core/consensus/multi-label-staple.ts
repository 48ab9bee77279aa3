// Multi-label STAPLE (Warfield et al. 2004, section on multiple labels; Rohlfing et al.), computed as ITK's
// MultiLabelSTAPLEImageFilter (ITK 5.2) computes it.
//
//   L      number of labels = (largest value in any mask) + 1; labels are 0..L-1, background included
//   θ_r    rater r's confusion matrix, θ_r[j][c] = P(rater r says j | true label c)
//   π_c    prior of label c = fraction of all raters' voxels with value c (global, fixed)
//
//   initialisation  majority vote (ITK's LabelVoting, ties voting L); θ_r[j][c] = #{voxels: rater says j,
//                   vote c}, each row j normalised over c (rows of values the rater never used stay 0).
//                   A tied voxel votes L, one past the last column: ITK 5.2 keeps θ_r row-major in one block
//                   and so counts it at (j + 1, 0), the next row's first entry. Concord keeps the same flat
//                   layout and does the same on purpose: that starting point decides ITK's answer where
//                   raters tie (with two raters the plain vote gives a 0/1 matrix the EM never leaves, all
//                   1-1 voxels undecided; ITK's start resolves them, to background on the shared data).
//   E step          W_i(c) ∝ π_c Π_r θ_r[D_ir][c], normalised over c (left as is when all are 0)
//   M step          θ_r[j][c] = Σ_{i: D_ir = j} W_i(c) / Σ_i W_i(c)   (each column c sums to 1)
//   stop            when no θ entry moved by 1e-5 or more (ITK's TerminationUpdateThreshold), or at
//                   maxIterations (ITK: no cap unless set). `iterations` is ITK's ElapsedNumberOfIterations:
//                   the 0-based index of the iteration that stopped.
//   output          per voxel the label c with the largest π_c Π_r θ_r[D_ir][c]; a tie for the largest
//                   value, or all zero, gives the undecided label (ITK's exact rule, scanning c upwards).
//
// Per-rater summaries for one label v (default 1): sensitivity θ_r[v][v]; specificity
// P(rater says not v | truth not v) = 1 - Σ_{c≠v} π_c θ_r[v][c] / Σ_{c≠v} π_c. For two labels these are
// binary STAPLE's p and q.
//
// Agreement with ITK (tests on the shared data): iterations and output labels equal; confusion entries
// within 5e-4 (2.0e-4 at worst on the liver tumour), because ITK accumulates in float (TWeights = float) and
// Concord in float64.
//
// Speed: as binary STAPLE, the EM depends on a voxel only through its tuple of rater values; voxels are
// counted per tuple once and the EM runs on that histogram.
import { checkpoint, subControl, type ComputeControl } from '../compute/control';
import { InputError } from '../errors';
import { checkLabel, checkRaterMasks, chooseUndecided, valuesPresent } from './masks';

export interface MultiLabelStapleOptions {
  /** Label whose sensitivity, specificity and probability map are reported; default 1. */
  label?: number;
  /** ITK's TerminationUpdateThreshold; default 1e-5. */
  terminationThreshold?: number;
  /** Iteration cap; default none, as ITK. */
  maxIterations?: number;
  /** Value of undecided voxels; default 255 when free, else the smallest free value (ITK: L). */
  undecidedLabel?: number;
  /** Return the posterior of `label` per voxel (Float32Array); default true. */
  probabilityMap?: boolean;
}

export interface MultiLabelStapleResult {
  method: 'mstaple';
  parameters: {
    label: number;
    terminationThreshold: number;
    maxIterations: number | null;
    undecidedLabel: number;
    raters: number;
    labels: number;
  };
  iterations: number;
  converged: boolean;
  /** Per rater: confusion[j][c] = P(rater says j | truth c), j and c in 0..L-1. */
  confusion: number[][][];
  /** π_c, c in 0..L-1. */
  priors: number[];
  /** For `label`: per rater. */
  sensitivity: number[];
  specificity: number[];
  mask: Uint8Array;
  probability: Float32Array | null;
  foregroundVoxels: number;
  undecidedVoxels: number;
  patterns: number;
}

interface TupleHistogram {
  /** tuples[k*R + r] = value of rater r in tuple k. */
  tuples: number[];
  counts: number[];
}

const BLOCK = 1 << 14;

/** Visits voxels block by block with the index of their value tuple (created on first sight). */
function scanTuples(
  masks: Uint8Array[],
  L: number,
  lookup: (code: number, v: number) => number,
  each: (v: number, tuple: number) => void,
  control: ComputeControl | undefined,
  stage: string,
): void {
  const n = masks[0]!.length;
  const R = masks.length;
  const codes = new Float64Array(BLOCK);
  let lastCode = -1;
  let lastTuple = -1;
  for (let start = 0; start < n; start += BLOCK) {
    if ((start & ((BLOCK << 6) - 1)) === 0) checkpoint(control, start / n, stage);
    const len = Math.min(BLOCK, n - start);
    const m0 = masks[0]!;
    for (let i = 0; i < len; i++) codes[i] = m0[start + i]!;
    let scale = L;
    for (let r = 1; r < R; r++) {
      const m = masks[r]!;
      for (let i = 0; i < len; i++) codes[i] = codes[i]! + m[start + i]! * scale;
      scale *= L;
    }
    for (let i = 0; i < len; i++) {
      const code = codes[i]!;
      if (code !== lastCode) {
        lastCode = code;
        lastTuple = lookup(code, start + i);
      }
      each(start + i, lastTuple);
    }
  }
}

export function multiLabelStaple(
  masks: Uint8Array[],
  opts: MultiLabelStapleOptions = {},
  control?: ComputeControl,
): MultiLabelStapleResult {
  checkRaterMasks(masks, 1, 'multi-label STAPLE');
  const R = masks.length;
  const label = opts.label ?? 1;
  checkLabel(label);
  const threshold = opts.terminationThreshold ?? 1e-5;
  const maxIterations = opts.maxIterations ?? null;
  if (!(threshold > 0))
    throw new InputError(undefined, `termination threshold must be > 0 (got ${threshold})`);
  if (maxIterations !== null && (!Number.isInteger(maxIterations) || maxIterations < 1)) {
    throw new InputError(undefined, `maxIterations must be a positive integer (got ${maxIterations})`);
  }
  const present = valuesPresent(masks);
  let maxValue = 0;
  for (let x = 0; x < 256; x++) if (present[x]) maxValue = x;
  const L = Math.max(maxValue, label) + 1;
  // Tuple codes are exact in float64 while L^R stays below 2^53.
  if (R * Math.log2(L) > 52) {
    throw new InputError(
      undefined,
      `multi-label STAPLE: ${R} raters x ${L} labels is beyond this implementation (L^R must stay below 2^52)`,
    );
  }
  const undecided = chooseUndecided(present, opts.undecidedLabel);

  // 1. Histogram of value tuples.
  const index = new Map<number, number>();
  const h: TupleHistogram = { tuples: [], counts: [] };
  scanTuples(
    masks,
    L,
    (code, v) => {
      let t = index.get(code);
      if (t === undefined) {
        t = h.counts.length;
        index.set(code, t);
        h.counts.push(0);
        for (let r = 0; r < R; r++) h.tuples.push(masks[r]![v]!);
      }
      return t;
    },
    (_v, t) => {
      h.counts[t]!++;
    },
    subControl(control, 0, 0.4),
    'counting rater patterns',
  );
  const T = h.counts.length;
  const n = masks[0]!.length;

  // 2. Priors and the initial confusion matrices from the majority vote (per tuple).
  const priors = new Float64Array(L);
  for (let t = 0; t < T; t++) {
    for (let r = 0; r < R; r++) {
      const x = h.tuples[t * R + r]!;
      priors[x] = priors[x]! + h.counts[t]!;
    }
  }
  let mass = 0;
  for (let c = 0; c < L; c++) mass += priors[c]!;
  for (let c = 0; c < L; c++) priors[c] = priors[c]! / mass;
  const rows = L + 1; // ITK keeps one more row for "reject" decisions; raters never use it
  const theta = Array.from({ length: R }, () => new Float64Array(rows * L));
  const votes = new Int32Array(L);
  for (let t = 0; t < T; t++) {
    votes.fill(0);
    for (let r = 0; r < R; r++) {
      const x = h.tuples[t * R + r]!;
      votes[x] = votes[x]! + 1;
    }
    // LabelVoting's rule: a later value wins only with strictly more votes; an equal count is a tie.
    let best = -1;
    let winner = -1;
    let tie = false;
    for (let c = 0; c < L; c++) {
      if (votes[c]! > best) {
        best = votes[c]!;
        winner = c;
        tie = false;
      } else if (votes[c] === best) tie = true;
    }
    for (let r = 0; r < R; r++) {
      const th = theta[r]!;
      const x = h.tuples[t * R + r]! * L + (tie ? L : winner);
      th[x] = th[x]! + h.counts[t]!;
    }
  }
  for (const th of theta) {
    for (let j = 0; j < rows; j++) {
      let s = 0;
      for (let c = 0; c < L; c++) s += th[j * L + c]!;
      if (s > 0) for (let c = 0; c < L; c++) th[j * L + c] = th[j * L + c]! / s;
    }
  }

  // 3. EM on the histogram.
  const w = new Float64Array(L);
  const updated = Array.from({ length: R }, () => new Float64Array(rows * L));
  let iteration = 0;
  let converged = false;
  for (; maxIterations === null || iteration < maxIterations; iteration++) {
    if ((iteration & 15) === 0)
      checkpoint(control, 0.4 + 0.1 * Math.min(1, iteration / 1000), 'STAPLE iterations');
    for (const u of updated) u.fill(0);
    for (let t = 0; t < T; t++) {
      for (let c = 0; c < L; c++) w[c] = priors[c]!;
      for (let r = 0; r < R; r++) {
        const row = h.tuples[t * R + r]! * L;
        const th = theta[r]!;
        for (let c = 0; c < L; c++) w[c] = w[c]! * th[row + c]!;
      }
      let sum = 0;
      for (let c = 0; c < L; c++) sum += w[c]!;
      const count = h.counts[t]!;
      const scale = sum ? count / sum : count;
      for (let r = 0; r < R; r++) {
        const row = h.tuples[t * R + r]! * L;
        const u = updated[r]!;
        for (let c = 0; c < L; c++) u[row + c] = u[row + c]! + w[c]! * scale;
      }
    }
    let maxUpdate = 0;
    for (let r = 0; r < R; r++) {
      const u = updated[r]!;
      const th = theta[r]!;
      for (let c = 0; c < L; c++) {
        let s = 0;
        for (let j = 0; j < rows; j++) s += u[j * L + c]!;
        if (s) for (let j = 0; j < rows; j++) u[j * L + c] = u[j * L + c]! / s;
      }
      for (let x = 0; x < rows * L; x++) {
        const d = Math.abs(u[x]! - th[x]!);
        if (d > maxUpdate) maxUpdate = d;
        th[x] = u[x]!;
      }
    }
    if (maxUpdate < threshold) {
      converged = true;
      break;
    }
  }

  // 4. Per-tuple decision (ITK's rule) and posterior of `label`.
  const decision = new Uint8Array(T);
  const posterior = new Float64Array(T);
  let foregroundVoxels = 0;
  let undecidedVoxels = 0;
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < L; c++) w[c] = priors[c]!;
    for (let r = 0; r < R; r++) {
      const row = h.tuples[t * R + r]! * L;
      for (let c = 0; c < L; c++) w[c] = w[c]! * theta[r]![row + c]!;
    }
    let win = undecided;
    let winW = 0;
    let sum = 0;
    for (let c = 0; c < L; c++) {
      sum += w[c]!;
      if (w[c]! > winW) {
        winW = w[c]!;
        win = c;
      } else if (!(w[c]! < winW)) win = undecided;
    }
    decision[t] = win;
    posterior[t] = sum > 0 ? w[label]! / sum : 0;
    if (win === undecided) undecidedVoxels += h.counts[t]!;
    else if (win !== 0) foregroundVoxels += h.counts[t]!;
  }

  // 5. One pass writing the mask (and the probability map).
  const mask = new Uint8Array(n);
  const probability = opts.probabilityMap === false ? null : new Float32Array(n);
  scanTuples(
    masks,
    L,
    (code) => index.get(code)!,
    probability
      ? (v, t) => {
          mask[v] = decision[t]!;
          probability[v] = posterior[t]!;
        }
      : (v, t) => {
          mask[v] = decision[t]!;
        },
    subControl(control, 0.5, 1),
    'writing the consensus',
  );

  const confusion = theta.map((th) =>
    Array.from({ length: L }, (_, j) => Array.from({ length: L }, (_, c) => th[j * L + c]!)),
  );
  const sensitivity = theta.map((th) => th[label * L + label]!);
  const specificity = theta.map((th) => {
    let num = 0;
    let den = 0;
    for (let c = 0; c < L; c++) {
      if (c === label) continue;
      num += priors[c]! * th[label * L + c]!;
      den += priors[c]!;
    }
    return den > 0 ? 1 - num / den : 1;
  });
  return {
    method: 'mstaple',
    parameters: {
      label,
      terminationThreshold: threshold,
      maxIterations,
      undecidedLabel: undecided,
      raters: R,
      labels: L,
    },
    iterations: iteration,
    converged,
    confusion,
    priors: [...priors],
    sensitivity,
    specificity,
    mask,
    probability,
    foregroundVoxels,
    undecidedVoxels,
    patterns: T,
  };
}
