import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../geometry/affine';
import type { MaskPatch } from './patch';
import {
  applyPatch,
  applyWithInverse,
  boxVoxels,
  diffMasks,
  extractPatch,
  inverseOf,
  labelCounts,
  patchProblem,
  rebaseEdit,
} from './patch';

const DIMS: Vec3 = [4, 3, 2];
/** Label = flat index + 1, so every voxel is distinguishable. */
function numbered(): Uint8Array {
  return Uint8Array.from({ length: 24 }, (_, n) => n + 1);
}

describe('patches', () => {
  it('extracts a box i fastest, then j, then k', () => {
    const p = extractPatch(numbered(), DIMS, [1, 3, 0, 2, 1, 2]);
    // k = 1 starts at 12: (1,0,1)=13+1, (2,0,1)=14+1, (1,1,1)=17+1, (2,1,1)=18+1.
    expect(Array.from(p.data)).toEqual([14, 15, 18, 19]);
    expect(p.box).toEqual([1, 3, 0, 2, 1, 2]);
  });

  it('extracts and applies whole slices (the contiguous fast path) like any box', () => {
    const m = numbered();
    const p = extractPatch(m, DIMS, [0, 4, 0, 3, 1, 2]);
    expect(Array.from(p.data)).toEqual(Array.from({ length: 12 }, (_, n) => n + 13));
    const target = new Uint8Array(24);
    applyPatch(target, DIMS, p);
    expect(Array.from(target.subarray(12))).toEqual(Array.from(p.data));
    expect(Array.from(target.subarray(0, 12))).toEqual(new Array(12).fill(0));
  });

  it('applies a patch into its box only', () => {
    const m = new Uint8Array(24);
    applyPatch(m, DIMS, { box: [2, 4, 1, 3, 0, 1], data: Uint8Array.from([1, 2, 3, 4]) });
    const expected = new Array(24).fill(0);
    expected[2 + 1 * 4] = 1;
    expected[3 + 1 * 4] = 2;
    expected[2 + 2 * 4] = 3;
    expected[3 + 2 * 4] = 4;
    expect(Array.from(m)).toEqual(expected);
  });

  it('an inverse applied after its patch restores the mask', () => {
    const m = numbered();
    const original = m.slice();
    const p: MaskPatch = { box: [0, 2, 1, 3, 0, 2], data: new Uint8Array(8).fill(7) };
    const inv = inverseOf(m, DIMS, p);
    applyPatch(m, DIMS, p);
    expect(m).not.toEqual(original);
    applyPatch(m, DIMS, inv);
    expect(m).toEqual(original);
  });

  it('applyWithInverse counts changes and answers null when nothing changes', () => {
    const m = new Uint8Array(24);
    expect(applyWithInverse(m, DIMS, { box: [0, 1, 0, 1, 0, 1], data: Uint8Array.from([0]) })).toBeNull();
    const r = applyWithInverse(m, DIMS, { box: [0, 2, 0, 1, 0, 1], data: Uint8Array.from([3, 0]) });
    expect(r?.changed).toBe(1);
    expect(Array.from(r!.inverse.data)).toEqual([0, 0]);
    expect(m[0]).toBe(3);
  });

  it('rebases an edit: only the voxels it changed take its labels', () => {
    // Box of 3 voxels; the edit changed the middle one (0 -> 1); meanwhile someone set the last to 2.
    const before: MaskPatch = { box: [0, 3, 0, 1, 0, 1], data: Uint8Array.from([5, 0, 0]) };
    const after: MaskPatch = { box: [0, 3, 0, 1, 0, 1], data: Uint8Array.from([5, 1, 0]) };
    const head = new Uint8Array(24);
    head[0] = 5;
    head[2] = 2;
    const rebased = rebaseEdit(head, DIMS, before, after);
    expect(Array.from(rebased.data)).toEqual([5, 1, 2]);
  });

  it('names what is wrong with a patch', () => {
    expect(patchProblem(DIMS, { box: [0, 4, 0, 3, 0, 2], data: new Uint8Array(24) })).toBeNull();
    expect(patchProblem(DIMS, { box: [0, 5, 0, 3, 0, 2], data: new Uint8Array(30) })).toMatch(/outside/);
    expect(patchProblem(DIMS, { box: [2, 2, 0, 3, 0, 2], data: new Uint8Array(0) })).toMatch(/empty/);
    expect(patchProblem(DIMS, { box: [0, 2, 0, 1, 0, 1], data: new Uint8Array(3) })).toMatch(/holds 3/);
    expect(patchProblem(DIMS, { box: [0, 1.5, 0, 1, 0, 1], data: new Uint8Array(1) })).toMatch(/integers/);
    expect(boxVoxels([1, 3, 0, 2, 1, 2])).toBe(4);
  });

  it('counts voxels per label', () => {
    const counts = labelCounts(Uint8Array.from([0, 0, 1, 3, 3, 3]));
    expect([...counts]).toEqual([
      [0, 2],
      [1, 1],
      [3, 3],
    ]);
  });

  it('diffs two masks into the box of their differences', () => {
    const a = new Uint8Array(24);
    const b = a.slice();
    expect(diffMasks(a, b, DIMS)).toBeNull();
    b[1 + 2 * 4] = 2; // (1, 2, 0)
    b[3 + 0 * 4 + 12] = 1; // (3, 0, 1)
    const d = diffMasks(a, b, DIMS)!;
    expect(d.patch.box).toEqual([1, 4, 0, 3, 0, 2]);
    expect(d.changed).toBe(2);
    const m = a.slice();
    applyPatch(m, DIMS, d.patch);
    expect(m).toEqual(b);
    applyPatch(m, DIMS, d.inverse);
    expect(m).toEqual(a);
  });
});
