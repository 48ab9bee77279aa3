import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../geometry/affine';
import { applyToAll, ChangeRecorder } from './change-recorder';
import { applyPatch } from './patch';

const DIMS: Vec3 = [4, 3, 2];
const at = (i: number, j: number, k: number): number => i + j * 4 + k * 12;

describe('ChangeRecorder', () => {
  it('records the box of the writes, the labels after and before', () => {
    const mask = new Uint8Array(24);
    mask[at(2, 2, 1)] = 5;
    const rec = new ChangeRecorder(mask, DIMS);
    expect(rec.write(at(1, 0, 0), 1)).toBe(true);
    expect(rec.write(at(2, 2, 1), 1)).toBe(true);
    expect(rec.write(at(1, 0, 0), 1)).toBe(false); // already 1
    const r = rec.finish()!;
    expect(r.changed).toBe(2);
    expect(r.patch.box).toEqual([1, 3, 0, 3, 0, 2]);
    // Box 2×3×2, i fastest: (1,0,0) is the first voxel, (2,2,1) the last.
    expect(Array.from(r.patch.data)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(r.inverse.data)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]);
  });

  it('keeps the first label a voxel had when it is written several times', () => {
    const mask = new Uint8Array(24);
    mask[0] = 4;
    const rec = new ChangeRecorder(mask, DIMS);
    rec.write(0, 1);
    rec.write(0, 2);
    const r = rec.finish()!;
    expect(Array.from(r.patch.data)).toEqual([2]);
    expect(Array.from(r.inverse.data)).toEqual([4]);
  });

  it('answers null for an operation that ends where it began', () => {
    const mask = new Uint8Array(24);
    const rec = new ChangeRecorder(mask, DIMS);
    rec.write(5, 1);
    rec.write(5, 0);
    expect(rec.finish()).toBeNull();
    // And is ready for the next operation, with a fresh box.
    rec.write(at(3, 2, 1), 2);
    expect(rec.finish()?.patch.box).toEqual([3, 4, 2, 3, 1, 2]);
  });

  it('reverts an operation in progress', () => {
    const mask = Uint8Array.from({ length: 24 }, (_, n) => n % 3);
    const original = mask.slice();
    const rec = new ChangeRecorder(mask, DIMS);
    applyToAll(rec, [0, 1, 2, 3, 23], { label: 7, erase: false, protect: false });
    expect(mask).not.toEqual(original);
    rec.revert();
    expect(mask).toEqual(original);
    expect(rec.finish()).toBeNull();
  });

  it('the inverse undoes and the patch redoes', () => {
    const mask = new Uint8Array(24);
    mask[at(1, 1, 1)] = 3;
    const rec = new ChangeRecorder(mask, DIMS);
    applyToAll(rec, [at(0, 0, 0), at(1, 1, 1), at(3, 1, 0)], { label: 2, erase: false, protect: true });
    const after = mask.slice();
    const r = rec.finish()!;
    expect(r.changed).toBe(2); // the protected label 3 stays
    applyPatch(mask, DIMS, r.inverse);
    const expectedBefore = new Uint8Array(24);
    expectedBefore[at(1, 1, 1)] = 3;
    expect(mask).toEqual(expectedBefore);
    applyPatch(mask, DIMS, r.patch);
    expect(mask).toEqual(after);
  });

  it('refuses a mask of the wrong size', () => {
    expect(() => new ChangeRecorder(new Uint8Array(10), DIMS)).toThrow(/grid/);
  });
});
