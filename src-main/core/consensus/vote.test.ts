// Majority vote on voxels written out by hand: binary and multi-label, every tie policy, undecided label choice.
import { describe, expect, it } from 'vitest';
import { CancelledError, InputError } from '../errors';
import { random } from '../metrics/test-support/naive';
import { majorityVote } from './vote';

/** ITK's LabelVotingImageFilter loop, voxel by voxel (undecided = 255 here). */
function labelVoting(masks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(masks[0]!.length);
  for (let v = 0; v < out.length; v++) {
    const votes = new Array<number>(256).fill(0);
    for (const m of masks) votes[m[v]!]!++;
    let maxVotes = votes[0]!;
    out[v] = 0;
    for (let l = 1; l < 256; l++) {
      if (votes[l]! > maxVotes) {
        maxVotes = votes[l]!;
        out[v] = l;
      } else if (votes[l] === maxVotes && maxVotes > 0) out[v] = 255;
    }
  }
  return out;
}

const m = (...v: number[]) => Uint8Array.from(v);

describe('majority vote with a label (binary)', () => {
  // 4 raters, 6 voxels: votes for label 1 = 4, 3, 2, 2, 1, 0
  const raters = [m(1, 1, 1, 0, 0, 0), m(1, 1, 1, 1, 1, 0), m(1, 1, 0, 1, 0, 2), m(1, 0, 0, 0, 0, 0)];

  it('gives the label to voxels more than half the raters marked, 255 to 2-2 ties by default', () => {
    const r = majorityVote(raters, { label: 1 });
    expect([...r.mask]).toEqual([1, 1, 255, 255, 0, 0]);
    expect(r).toMatchObject({ foregroundVoxels: 2, undecidedVoxels: 2, tiedVoxels: 2 });
    expect(r.parameters).toEqual({ label: 1, ties: 'undecided', undecidedLabel: 255, raters: 4 });
  });

  it('resolves ties to background or foreground when asked', () => {
    expect([...majorityVote(raters, { label: 1, ties: 'background' }).mask]).toEqual([1, 1, 0, 0, 0, 0]);
    const fg = majorityVote(raters, { label: 1, ties: 'foreground' });
    expect([...fg.mask]).toEqual([1, 1, 1, 1, 0, 0]);
    expect(fg).toMatchObject({ foregroundVoxels: 4, undecidedVoxels: 0, tiedVoxels: 2 });
  });

  it('has no ties with an odd number of raters', () => {
    const r = majorityVote(raters.slice(0, 3), { label: 1 });
    expect([...r.mask]).toEqual([1, 1, 1, 1, 0, 0]);
    expect(r.tiedVoxels).toBe(0);
  });

  it('moves the undecided label when 255 is the voted label, and refuses a clash the caller asked for', () => {
    const png = raters.map((x) => x.map((v) => (v === 1 ? 255 : 0)));
    const r = majorityVote(png, { label: 255 });
    expect(r.parameters.undecidedLabel).toBe(1);
    expect([...r.mask]).toEqual([255, 255, 1, 1, 0, 0]);
    expect(() => majorityVote(png, { label: 255, undecidedLabel: 255 })).toThrow(InputError);
  });
});

describe('majority vote over all labels (ITK LabelVoting)', () => {
  it('lets the most-voted value win and applies the tie policy to shared maxima', () => {
    // voxel: unanimous 2 | 1,1,2 | 1,2,3 (3-way tie) | 0,0,3 | 0,3,3 | 2,0,2
    const raters = [m(2, 1, 1, 0, 0, 2), m(2, 1, 2, 0, 3, 0), m(2, 2, 3, 3, 3, 2)];
    expect([...majorityVote(raters).mask]).toEqual([2, 1, 255, 0, 3, 2]);
    expect([...majorityVote(raters, { ties: 'background' }).mask]).toEqual([2, 1, 0, 0, 3, 2]);
    expect([...majorityVote(raters, { ties: 'foreground' }).mask]).toEqual([2, 1, 1, 0, 3, 2]);
  });

  it('counts background as a value: a 2-2 tie between 0 and a label is a tie', () => {
    const raters = [m(0), m(0), m(4), m(4)];
    expect([...majorityVote(raters).mask]).toEqual([255]);
    expect([...majorityVote(raters, { ties: 'foreground' }).mask]).toEqual([4]);
    expect(majorityVote(raters).undecidedVoxels).toBe(1);
  });

  it('picks a free undecided label when 255 is a label in the masks', () => {
    const r = majorityVote([m(255, 0), m(1, 0)]);
    expect(r.parameters.undecidedLabel).toBe(2);
    expect([...r.mask]).toEqual([2, 0]);
  });

  it("equals ITK's loop on random labels, whether the masks are word-aligned or not and whatever their length", () => {
    const rnd = random(21);
    for (const n of [4096, 4099, 17, 3]) {
      const backing = Array.from({ length: 4 }, () => new Uint8Array(n + 3));
      for (const b of backing)
        for (let v = 0; v < b.length; v++) b[v] = rnd() < 0.7 ? 0 : 1 + Math.floor(rnd() * 3);
      // Mostly-agreeing raters, as in practice: copy rater 0 and change a few voxels.
      for (const b of backing.slice(1))
        for (let v = 0; v < b.length; v++) if (rnd() < 0.8) b[v] = backing[0]![v]!;
      for (const offset of [0, 1]) {
        const masks = backing.map((b) => b.subarray(offset, offset + n));
        const r = majorityVote(masks);
        expect([...r.mask]).toEqual([...labelVoting(masks)]);
        expect(r.undecidedVoxels).toBe(r.mask.filter((x) => x === 255).length);
        expect(r.foregroundVoxels).toBe(r.mask.filter((x) => x !== 0 && x !== 255).length);
      }
    }
  });

  it('checks its inputs and can be cancelled', () => {
    expect(() => majorityVote([m(1, 0), m(1)])).toThrow(/mask 1 has 1 voxels/);
    expect(() => majorityVote([m(1)], { label: 0 })).toThrow(/1\.\.255/);
    expect(() => majorityVote([m(1), m(1)], {}, { isCancelled: () => true })).toThrow(CancelledError);
  });
});
