// The speed trick behind Concord's STAPLE: with a global prior, the EM of STAPLE (Warfield et al. 2004)
// depends on a voxel only through the pattern of the raters' decisions there. So the voxels are counted
// once per pattern, the EM iterates on that histogram (at most 2^R entries for R raters, usually a handful),
// and a final pass writes each voxel the probability of its pattern. Each EM iteration costs O(patterns x R)
// instead of O(voxels x R), and the result is the same EM, voxel for voxel.
//
// Binary patterns: bit r of a voxel's pattern is set when rater r gave it the label.
import { checkpoint, type ComputeControl } from '../compute/control';
import { InputError } from '../errors';

/** Voxels per block: large enough to amortise the loop, small enough to stay in cache. */
const BLOCK = 1 << 14;
/** Up to this many raters the histogram is a dense array of 2^R counts; beyond, a map of the patterns seen. */
const DENSE_RATERS = 16;
export const MAX_BINARY_RATERS = 30;

export interface PatternHistogram {
  raters: number;
  /** Distinct patterns that occur (bit r = rater r said "label"). */
  patterns: number[];
  /** Voxel count of each pattern (same order). */
  counts: number[];
  /** Voxels in total. */
  voxels: number;
}

/** Fills codes[0..len) with the patterns of voxels start..start+len-1. */
export function patternBlock(
  masks: Uint8Array[],
  label: number,
  start: number,
  len: number,
  codes: Uint32Array,
): void {
  const m0 = masks[0]!;
  for (let i = 0; i < len; i++) codes[i] = m0[start + i] === label ? 1 : 0;
  for (let r = 1; r < masks.length; r++) {
    const m = masks[r]!;
    const bit = 1 << r;
    for (let i = 0; i < len; i++) if (m[start + i] === label) codes[i] = codes[i]! | bit;
  }
}

export function binaryPatternHistogram(
  masks: Uint8Array[],
  label: number,
  control?: ComputeControl,
): PatternHistogram {
  const raters = masks.length;
  if (raters > MAX_BINARY_RATERS) {
    throw new InputError(undefined, `STAPLE takes at most ${MAX_BINARY_RATERS} raters (got ${raters})`);
  }
  const n = masks[0]!.length;
  const codes = new Uint32Array(BLOCK);
  const patterns: number[] = [];
  const counts: number[] = [];
  if (raters <= DENSE_RATERS) {
    const dense = new Float64Array(1 << raters);
    for (let start = 0; start < n; start += BLOCK) {
      if ((start & ((BLOCK << 6) - 1)) === 0) checkpoint(control, start / n, 'counting rater patterns');
      const len = Math.min(BLOCK, n - start);
      patternBlock(masks, label, start, len, codes);
      for (let i = 0; i < len; i++) {
        const c = codes[i]!;
        dense[c] = dense[c]! + 1;
      }
    }
    for (let p = 0; p < dense.length; p++) {
      if (dense[p]! > 0) {
        patterns.push(p);
        counts.push(dense[p]!);
      }
    }
  } else {
    const map = new Map<number, number>();
    for (let start = 0; start < n; start += BLOCK) {
      if ((start & ((BLOCK << 6) - 1)) === 0) checkpoint(control, start / n, 'counting rater patterns');
      const len = Math.min(BLOCK, n - start);
      patternBlock(masks, label, start, len, codes);
      for (let i = 0; i < len; i++) map.set(codes[i]!, (map.get(codes[i]!) ?? 0) + 1);
    }
    for (const p of [...map.keys()].sort((x, y) => x - y)) {
      patterns.push(p);
      counts.push(map.get(p)!);
    }
  }
  return { raters, patterns, counts, voxels: n };
}
