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
import { checkLabel, checkRaterMasks, chooseUndecided } from './masks';

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

  return multiLabelVote(masks, n, ties, opts.undecidedLabel, control);
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

/** Growable list of tied voxels: index and the value the 'foreground' policy would give. */
class Ties {
  index = new Int32Array(1024);
  foreground = new Uint8Array(1024);
  length = 0;

  push(v: number, fg: number): void {
    if (this.length === this.index.length) {
      const index = new Int32Array(this.length * 2);
      index.set(this.index);
      this.index = index;
      const foreground = new Uint8Array(this.length * 2);
      foreground.set(this.foreground);
      this.foreground = foreground;
    }
    this.index[this.length] = v;
    this.foreground[this.length++] = fg;
  }
}

/**
 * LabelVoting over every value. Speed: most voxels are unanimous, so the raters are compared four voxels at
 * a time (32-bit words) and votes are counted only in words where some rater differs. Ties are kept aside
 * and written last, once the values in play (and so the undecided label) are known: no extra pass over the
 * inputs to list their values.
 */
function multiLabelVote(
  masks: Uint8Array[],
  n: number,
  ties: TiePolicy,
  requestedUndecided: number | undefined,
  control: ComputeControl | undefined,
): VoteResult {
  const raters = masks.length;
  const out = new Uint8Array(n);
  const seen = new Uint8Array(256); // values met at voxels where raters differ
  const tied = new Ties();
  const values = new Uint8Array(raters);
  const votes = new Uint8Array(256);

  /** Votes at one voxel: writes the winner, or records a tie (and writes 0 for now). */
  const resolve = (v: number) => {
    let best = 0;
    for (let r = 0; r < raters; r++) {
      const x = masks[r]![v]!;
      values[r] = x;
      seen[x] = 1;
      const c = votes[x]! + 1;
      votes[x] = c;
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
      out[v] = 0; // written last, with the policy's value
      tied.push(v, smallestNonZeroTop);
    }
  };

  const aligned = masks.every((m) => m.byteOffset % 4 === 0);
  const words = aligned ? n >>> 2 : 0;
  if (words > 0) {
    const w = masks.map((m) => new Uint32Array(m.buffer, m.byteOffset, words));
    const o = new Uint32Array(out.buffer, 0, words);
    const block = CHUNK >>> 2;
    const diff = new Uint32Array(block);
    for (let start = 0; start < words; start += block) {
      checkpoint(control, start / words, 'vote');
      const end = Math.min(words, start + block);
      o.set(w[0]!.subarray(start, end), start);
      diff.fill(0);
      // One tight loop per rater (a single typed array each), then votes only where a word differs.
      for (let r = 1; r < raters; r++) {
        const wr = w[r]!;
        for (let x = start; x < end; x++) diff[x - start] = diff[x - start]! | (wr[x]! ^ o[x]!);
      }
      for (let x = start; x < end; x++) {
        if (diff[x - start] !== 0) for (let v = 4 * x; v < 4 * x + 4; v++) resolve(v);
      }
    }
  }
  for (let v = words * 4; v < n; v++) {
    if (!aligned && (v & (CHUNK - 1)) === 0) checkpoint(control, v / n, 'vote');
    resolve(v);
  }

  // Values in play: every value of the output so far (unanimous voxels and winners) and every value met
  // where raters differed; then the undecided label, then the ties.
  let fg = 0;
  const inPlay = seen;
  inPlay[0] = 1;
  const countBytes = (from: number, to: number) => {
    for (let v = from; v < to; v++) {
      const x = out[v]!;
      if (x !== 0) {
        fg++;
        inPlay[x] = 1;
      }
    }
  };
  if (words > 0) {
    // Background words (four zero voxels) are the common case: skip them a word at a time.
    const o = new Uint32Array(out.buffer, 0, words);
    for (let x = 0; x < words; x++) if (o[x] !== 0) countBytes(4 * x, 4 * x + 4);
  }
  countBytes(words * 4, n);
  const undecided =
    ties === 'undecided' ? chooseUndecided(inPlay, requestedUndecided) : (requestedUndecided ?? 255);
  let und = 0;
  for (let t = 0; t < tied.length; t++) {
    const value = ties === 'undecided' ? undecided : ties === 'background' ? 0 : tied.foreground[t]!;
    out[tied.index[t]!] = value;
    if (ties === 'undecided') und++;
    else if (value !== 0) fg++;
  }
  checkpoint(control, 1, 'vote');
  return {
    method: 'vote',
    parameters: { label: null, ties, undecidedLabel: undecided, raters },
    mask: out,
    foregroundVoxels: fg,
    undecidedVoxels: und,
    tiedVoxels: tied.length,
  };
}
