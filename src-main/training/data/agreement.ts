// The raters' agreement as a training target: per voxel, the share of the raters marking it, as a byte
// (round(255 * count / raters): 0, 64, 128, 191, 255 for four raters), the product's soft-target convention
// (byte / 255 = probability; process/crop-batches.ts). A net trained on it gives a voxel about the share of
// raters who would mark it, so its drafts are thresholded between the shares the raters' strict majority
// leaves out and keeps (agreementThreshold), and validated against that majority (MAJORITY_MIN_BYTE).
import type { TiePolicy } from '../../core/consensus/vote';

/** Share of `masks` (0/1 each, one layout) marking each voxel, as bytes. */
export function agreementBytes(masks: Uint8Array[]): Uint8Array {
  const n = masks[0]?.length ?? 0;
  const out = new Uint8Array(n);
  if (masks.length === 0) return out;
  for (let i = 0; i < n; i++) {
    let marked = 0;
    for (const m of masks) if (m[i]) marked++;
    out[i] = Math.round((marked / masks.length) * 255);
  }
  return out;
}

/** The smallest agreement byte that is a strict majority (more than half the raters): a half share is
 *  round(127.5) = 128, and every share above a half rounds to 129 or more, whatever the number of raters. */
export const MAJORITY_MIN_BYTE = 129;

/** The threshold on a net trained on the raters' share that matches their majority vote: midway between
 *  the largest share the vote leaves out and the smallest it keeps. Of 4 raters with 2-2 ties as
 *  background, the vote keeps 3/4 and leaves 2/4 out: 0.625 (ties as foreground: 0.375); of 3 raters, 0.5;
 *  of 2, 0.75 (both); of 1, 0.5. */
export function agreementThreshold(raters: number, ties: TiePolicy = 'background'): number {
  const keptMin = ties === 'foreground' && raters % 2 === 0 ? raters / 2 : Math.floor(raters / 2) + 1;
  return (2 * keptMin - 1) / (2 * raters);
}

/** The rater count most cases have (the larger on a tie): the one a run's threshold is set for. */
export function commonRaterCount(counts: number[]): number {
  const freq = new Map<number, number>();
  for (const c of counts) freq.set(c, (freq.get(c) ?? 0) + 1);
  let best = 1;
  let bestN = 0;
  for (const [c, n] of freq) if (n > bestN || (n === bestN && c > best)) [best, bestN] = [c, n];
  return best;
}
