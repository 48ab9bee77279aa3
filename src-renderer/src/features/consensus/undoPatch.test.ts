import { describe, expect, it } from 'vitest';
import { undoPatch } from './undoPatch';

describe('undo patch of a decision', () => {
  it('covers exactly the changed voxels and restores the labels before', () => {
    const dims = [4, 3, 2] as [number, number, number];
    const before = new Uint8Array(24);
    before[5] = 2; // (1, 1, 0)
    const after = before.slice();
    after[5] = 1;
    after[1 + 2 * 4 + 1 * 12] = 1; // (1, 2, 1)
    const p = undoPatch(before, after, dims)!;
    expect(p.box).toEqual([1, 2, 1, 3, 0, 2]);
    expect([...p.data]).toEqual([2, 0, 0, 0]); // (1,1,0) (1,2,0) (1,1,1) (1,2,1)
    // Applying it to `after` gives `before` back.
    const [i0, i1, j0, j1, k0, k1] = p.box;
    let o = 0;
    for (let k = k0; k < k1; k++)
      for (let j = j0; j < j1; j++) for (let i = i0; i < i1; i++) after[i + j * 4 + k * 12] = p.data[o++]!;
    expect(after).toEqual(before);
  });

  it('is null when nothing changed, and refuses masks off the grid', () => {
    expect(undoPatch(new Uint8Array(8), new Uint8Array(8), [2, 2, 2])).toBeNull();
    expect(() => undoPatch(new Uint8Array(8), new Uint8Array(7), [2, 2, 2])).toThrow(/do not fit/);
  });
});
