// Binary STAPLE (Warfield, Zou & Wells, IEEE TMI 23(7), 2004) for one label, computed as ITK's
// STAPLEImageFilter (ITK 5.2) computes it, so that iterations, sensitivities and specificities agree:
//
//   D_ir  decision of rater r at voxel i (1 when the rater gave the label, "foreground value" in ITK)
//   W_i   probability that voxel i truly has the label
//   p_r   sensitivity P(D = 1 | T = 1),  q_r  specificity P(D = 0 | T = 0)
//
//   initialisation  W_i = (number of raters with D_ir = 1) / R
//   global prior    g = confidenceWeight x mean_i W_i   (computed once, from the initial W)
//   M step          p_r = Σ_{i: D_ir=1} W_i / Σ_i W_i,   q_r = Σ_{i: D_ir=0} (1 - W_i) / Σ_i (1 - W_i)
//   E step          W_i = g a_i / (g a_i + (1 - g) b_i),  a_i = Π_r (D_ir ? p_r : 1 - p_r),
//                                                         b_i = Π_r (D_ir ? 1 - q_r : q_r)
//   iteration t = 0, 1, ... runs the M step then the E step; from t = 1 on it stops when every p_r and q_r
//   moved by at most 1e-7 ((Δ)^2 <= 1e-14, ITK's test), or when t reaches maxIterations (ITK's default cap
//   is 2^32 - 1, i.e. none). `iterations` is ITK's ElapsedIterations: the t at which it stopped.
//   Output: the last W (probability map), the p and q of the last M step, and the mask W > threshold (0.5).
//
// ITK keeps W in its output image between iterations; with the usual float output image every W is rounded
// to float32 after each E step, which decides the exact iteration at which the 1e-7 test passes. Concord
// does the same by default (`precision: 'float32'`); 'float64' keeps W in double.
//
// Speed: W depends on a voxel only through its pattern of decisions (see rater-patterns.ts), so the EM runs
// on the pattern histogram, one pass counts patterns and one pass writes the map.
//
// Degenerate inputs, where ITK returns NaN: when no rater gave the label anywhere, sensitivities are null,
// specificities 1, W = 0 everywhere ('no-foreground'); when every rater gave it everywhere, sensitivities 1,
// specificities null, W = 1 ('all-foreground'). Both report 0 iterations.
import { checkpoint, subControl, type ComputeControl } from '../compute/control';
import { InputError } from '../errors';
import { checkLabel, checkRaterMasks } from './masks';
import { binaryPatternHistogram, patternBlock, type PatternHistogram } from './rater-patterns';

export interface StapleOptions {
  /** The label (ITK's foreground value); default 1. */
  label?: number;
  /** ITK's ConfidenceWeight, scaling the global prior; default 1. */
  confidenceWeight?: number;
  /** Iteration cap; default 2^32 - 1 as ITK (no practical cap). */
  maxIterations?: number;
  /** Voxels with W > threshold get the label in the mask; default 0.5. */
  threshold?: number;
  /** Return the probability map (Float32Array, 4 bytes per voxel); default true. */
  probabilityMap?: boolean;
  /** Storage precision of W between iterations; default 'float32' (ITK with a float output image). */
  precision?: 'float32' | 'float64';
}

export interface StapleParameters {
  label: number;
  confidenceWeight: number;
  maxIterations: number;
  threshold: number;
  precision: 'float32' | 'float64';
  raters: number;
}

export interface StapleResult {
  method: 'staple';
  parameters: StapleParameters;
  /** ITK's ElapsedIterations. */
  iterations: number;
  /** False when maxIterations stopped the EM before the convergence test passed. */
  converged: boolean;
  /** Per rater, in input order; null where undefined (see the degenerate cases). */
  sensitivity: (number | null)[];
  specificity: (number | null)[];
  /** The global prior g. */
  prior: number;
  probability: Float32Array | null;
  /** `label` where W > threshold, else 0. */
  mask: Uint8Array;
  foregroundVoxels: number;
  /** Voxels with W exactly equal to the threshold (left at 0 by the strict > rule). */
  undecidedVoxels: number;
  /** Σ_i W_i, the expected number of voxels with the label. */
  probabilitySum: number;
  /** Distinct rater-decision patterns the EM ran on. */
  patterns: number;
  reason: 'no-foreground' | 'all-foreground' | null;
}

/** ITK's default iteration cap (2^32 - 1: no practical cap). */
export const ITK_MAX_ITERATIONS = 4294967295;
const MIN_RMS_ERROR = 1e-14;

interface EmResult {
  w: Float64Array;
  p: number[];
  q: number[];
  prior: number;
  iterations: number;
  converged: boolean;
}

/** The EM on a pattern histogram (exported for tests that check it against a voxel-by-voxel run). */
export function stapleEm(
  h: PatternHistogram,
  confidenceWeight: number,
  maxIterations: number,
  precision: 'float32' | 'float64',
  control?: ComputeControl,
): EmResult {
  const R = h.raters;
  const P = h.patterns.length;
  const round = precision === 'float32' ? Math.fround : (x: number) => x;
  const w = new Float64Array(P);
  let sumW = 0;
  for (let k = 0; k < P; k++) {
    let ones = 0;
    for (let r = 0; r < R; r++) if (h.patterns[k]! & (1 << r)) ones++;
    w[k] = round(ones / R);
    sumW += h.counts[k]! * w[k]!;
  }
  const g = (sumW / h.voxels) * confidenceWeight;
  const p = new Array<number>(R).fill(0);
  const q = new Array<number>(R).fill(0);
  const lastP = new Array<number>(R).fill(-10);
  const lastQ = new Array<number>(R).fill(-10);
  let iter = 0;
  let converged = false;
  for (; iter < maxIterations; iter++) {
    if ((iter & 63) === 0) checkpoint(control, Math.min(0.99, iter / 1000), 'STAPLE iterations');
    let pDen = 0;
    let qDen = 0;
    for (let k = 0; k < P; k++) {
      pDen += h.counts[k]! * w[k]!;
      qDen += h.counts[k]! * (1 - w[k]!);
    }
    for (let r = 0; r < R; r++) {
      const bit = 1 << r;
      let pNum = 0;
      let qNum = 0;
      for (let k = 0; k < P; k++) {
        if (h.patterns[k]! & bit) pNum += h.counts[k]! * w[k]!;
        else qNum += h.counts[k]! * (1 - w[k]!);
      }
      p[r] = pNum / pDen;
      q[r] = qNum / qDen;
    }
    for (let k = 0; k < P; k++) {
      let alpha = 1;
      let beta = 1;
      for (let r = 0; r < R; r++) {
        if (h.patterns[k]! & (1 << r)) {
          alpha *= p[r]!;
          beta *= 1 - q[r]!;
        } else {
          alpha *= 1 - p[r]!;
          beta *= q[r]!;
        }
      }
      w[k] = round((g * alpha) / (g * alpha + (1 - g) * beta));
    }
    let done = false;
    if (iter !== 0) {
      done = true;
      for (let r = 0; r < R; r++) {
        const dp = p[r]! - lastP[r]!;
        const dq = q[r]! - lastQ[r]!;
        if (dp * dp > MIN_RMS_ERROR || dq * dq > MIN_RMS_ERROR) {
          done = false;
          break;
        }
      }
    }
    for (let r = 0; r < R; r++) {
      lastP[r] = p[r]!;
      lastQ[r] = q[r]!;
    }
    if (done) {
      converged = true;
      break;
    }
  }
  return { w, p, q, prior: g, iterations: iter, converged };
}

export function staple(
  masks: Uint8Array[],
  opts: StapleOptions = {},
  control?: ComputeControl,
): StapleResult {
  const n = checkRaterMasks(masks, 1, 'STAPLE');
  const label = opts.label ?? 1;
  checkLabel(label);
  const confidenceWeight = opts.confidenceWeight ?? 1;
  const maxIterations = opts.maxIterations ?? ITK_MAX_ITERATIONS;
  const threshold = opts.threshold ?? 0.5;
  const precision = opts.precision ?? 'float32';
  if (!(confidenceWeight > 0))
    throw new InputError(undefined, `confidence weight must be > 0 (got ${confidenceWeight})`);
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new InputError(undefined, `maxIterations must be a positive integer (got ${maxIterations})`);
  }
  if (!(threshold >= 0 && threshold < 1))
    throw new InputError(undefined, `threshold must be in [0, 1) (got ${threshold})`);
  const R = masks.length;
  const parameters: StapleParameters = {
    label,
    confidenceWeight,
    maxIterations,
    threshold,
    precision,
    raters: R,
  };

  const h = binaryPatternHistogram(masks, label, subControl(control, 0, 0.4));
  const all = (1 << R) - 1 || 0;
  let em: EmResult;
  let reason: StapleResult['reason'] = null;
  if (h.patterns.length === 1 && h.patterns[0] === 0) {
    reason = 'no-foreground';
    em = { w: new Float64Array([0]), p: [], q: [], prior: 0, iterations: 0, converged: true };
  } else if (h.patterns.length === 1 && h.patterns[0] === all) {
    reason = 'all-foreground';
    em = { w: new Float64Array([1]), p: [], q: [], prior: 1, iterations: 0, converged: true };
  } else {
    em = stapleEm(h, confidenceWeight, maxIterations, precision, subControl(control, 0.4, 0.5));
  }

  // Per-pattern answers, then one pass writing the map and the mask.
  const dense = R <= 16;
  const table = dense ? new Float64Array(1 << R) : null;
  const map = dense ? null : new Map<number, number>();
  let foregroundVoxels = 0;
  let undecidedVoxels = 0;
  let probabilitySum = 0;
  for (let k = 0; k < h.patterns.length; k++) {
    const wk = em.w[k]!;
    if (table) table[h.patterns[k]!] = wk;
    else map!.set(h.patterns[k]!, wk);
    probabilitySum += h.counts[k]! * wk;
    if (wk > threshold) foregroundVoxels += h.counts[k]!;
    else if (wk === threshold) undecidedVoxels += h.counts[k]!;
  }
  const probability = opts.probabilityMap === false ? null : new Float32Array(n);
  const mask = new Uint8Array(n);
  const BLOCK = 1 << 14;
  const codes = new Uint32Array(BLOCK);
  for (let start = 0; start < n; start += BLOCK) {
    if ((start & ((BLOCK << 6) - 1)) === 0)
      checkpoint(control, 0.5 + (0.5 * start) / n, 'writing probabilities');
    const len = Math.min(BLOCK, n - start);
    patternBlock(masks, label, start, len, codes);
    for (let i = 0; i < len; i++) {
      const wk = table ? table[codes[i]!]! : map!.get(codes[i]!)!;
      if (probability) probability[start + i] = wk;
      if (wk > threshold) mask[start + i] = label;
    }
  }
  checkpoint(control, 1, 'STAPLE');
  const sensitivity: (number | null)[] =
    reason === 'no-foreground'
      ? new Array<null>(R).fill(null)
      : reason === 'all-foreground'
        ? new Array<number>(R).fill(1)
        : em.p;
  const specificity: (number | null)[] =
    reason === 'no-foreground'
      ? new Array<number>(R).fill(1)
      : reason === 'all-foreground'
        ? new Array<null>(R).fill(null)
        : em.q;
  return {
    method: 'staple',
    parameters,
    iterations: em.iterations,
    converged: em.converged,
    sensitivity,
    specificity,
    prior: em.prior,
    probability,
    mask,
    foregroundVoxels,
    undecidedVoxels,
    probabilitySum,
    patterns: h.patterns.length,
    reason,
  };
}
