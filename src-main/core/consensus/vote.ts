// Majority vote, voxel by voxel, as ITK's LabelVotingImageFilter: the value most raters gave wins; when
// the largest vote count is shared by two or more values the voxel is a tie, resolved by the caller's policy:
//   'undecided'  (ITK's behaviour) the undecided label (default 255; ITK's default is max label + 1),
//   'background' 0,
//   'foreground' the tied non-zero value (the smallest, when several non-zero values tie).
//
// Two modes:
//   with `label`: binary vote on that label (other values count as background): label when more than half
//                 the raters gave it, a tie when exactly half did (even rater counts only);
//   without:      multi-label vote over every value (0 included), as LabelVoting.
//
// The undecided label must not be a value in play (the voted label, or any value present in multi-label
// mode). Default: 255 when free, otherwise the smallest free value (reported in `parameters`).
import { checkpoint, type ComputeControl } from '../compute/control';
import { checkLabel, checkRaterMasks, chooseUndecided, valuesPresent } from './masks';

export type TiePolicy = 'undecided' | 'background' | 'foreground';

export interface VoteOptions {
  label?: number;
  ties?: TiePolicy;
  undecidedLabel?: number;
}

export interface VoteResult {
  method: 'vote';
  parameters: { label: number | null; ties: TiePolicy; undecidedLabel: number; raters: number };
  mask: Uint8Array;
  /** Voxels given a non-zero value other than the undecided label. */
  foregroundVoxels: number;
  /** Voxels given the undecided label (0 unless ties = 'undecided'). */
  undecidedVoxels: number;
  /** Voxels where the top vote count was shared, whatever the policy made of them. */
  tiedVoxels: number;
}

const CHUNK = 1 << 16;

export function majorityVote(
  masks: Uint8Array[],
  opts: VoteOptions = {},
  control?: ComputeControl,
): VoteResult {
  const n = checkRaterMasks(masks, 1, 'majority vote');
  const ties = opts.ties ?? 'undecided';
  const raters = masks.length;
  const out = new Uint8Array(n);
  let tied = 0;

  if (opts.label !== undefined) {
    const label = opts.label;
    checkLabel(label);
    const inPlay = new Uint8Array(256);
    inPlay[label] = 1;
    const undecided =
      ties === 'undecided' ? chooseUndecided(inPlay, opts.undecidedLabel) : (opts.undecidedLabel ?? 255);
    const tieValue = ties === 'undecided' ? undecided : ties === 'background' ? 0 : label;
    const count = new Uint8Array(Math.min(CHUNK, n));
    for (let start = 0; start < n; start += CHUNK) {
      checkpoint(control, start / n, 'vote');
      const len = Math.min(CHUNK, n - start);
      count.fill(0, 0, len);
      for (const m of masks) {
        for (let i = 0; i < len; i++) if (m[start + i] === label) count[i] = count[i]! + 1;
      }
      for (let i = 0; i < len; i++) {
        const c2 = 2 * count[i]!;
        if (c2 > raters) out[start + i] = label;
        else if (c2 === raters) {
          out[start + i] = tieValue;
          tied++;
        }
      }
    }
    return finish(out, { label, ties, undecidedLabel: undecided, raters }, tied, control);
  }

  const inPlay = valuesPresent(masks);
  const undecided =
    ties === 'undecided' ? chooseUndecided(inPlay, opts.undecidedLabel) : (opts.undecidedLabel ?? 255);
  const values = new Uint8Array(raters);
  const votes = new Uint8Array(256);
  for (let start = 0; start < n; start += CHUNK) {
    checkpoint(control, start / n, 'vote');
    const end = Math.min(n, start + CHUNK);
    for (let v = start; v < end; v++) {
      const first = masks[0]![v]!;
      let same = true;
      for (let r = 1; r < raters; r++) {
        if (masks[r]![v] !== first) {
          same = false;
          break;
        }
      }
      if (same) {
        out[v] = first;
        continue;
      }
      // Disagreement: count votes per value (raters is small; votes[] is cleared after use).
      let best = 0;
      for (let r = 0; r < raters; r++) {
        const x = masks[r]![v]!;
        values[r] = x;
        const c = ++votes[x]!;
        if (c > best) best = c;
      }
      let winner = -1;
      let nTop = 0;
      let smallestNonZeroTop = 256;
      for (let r = 0; r < raters; r++) {
        const x = values[r]!;
        if (votes[x] === best) {
          nTop++;
          winner = x;
          if (x !== 0 && x < smallestNonZeroTop) smallestNonZeroTop = x;
          votes[x] = 0; // count each value once
        }
      }
      for (let r = 0; r < raters; r++) votes[values[r]!] = 0;
      if (nTop === 1) out[v] = winner;
      else {
        tied++;
        out[v] = ties === 'undecided' ? undecided : ties === 'background' ? 0 : smallestNonZeroTop;
      }
    }
  }
  return finish(out, { label: null, ties, undecidedLabel: undecided, raters }, tied, control);
}

function finish(
  mask: Uint8Array,
  parameters: VoteResult['parameters'],
  tiedVoxels: number,
  control: ComputeControl | undefined,
): VoteResult {
  let fg = 0;
  let und = 0;
  const u = parameters.undecidedLabel;
  const countUndecided = parameters.ties === 'undecided';
  for (let v = 0; v < mask.length; v++) {
    const x = mask[v]!;
    if (x === 0) continue;
    if (countUndecided && x === u) und++;
    else fg++;
  }
  checkpoint(control, 1, 'vote');
  return { method: 'vote', parameters, mask, foregroundVoxels: fg, undecidedVoxels: und, tiedVoxels };
}
