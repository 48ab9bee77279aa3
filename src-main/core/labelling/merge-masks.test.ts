import { describe, expect, it } from 'vitest';
import { mergeMasks } from './merge-masks';

// A 4x2x1 grid, i fastest: voxel (i, j, 0) at i + 4*j.
const m = (...labels: number[]) => Uint8Array.from(labels);

describe('three-way merge of two branch tips', () => {
  it('keeps disjoint edits of both tips', () => {
    const base = m(0, 0, 0, 0, 1, 1, 0, 0);
    const a = m(2, 0, 0, 0, 1, 1, 0, 0); // A labelled voxel 0
    const b = m(0, 0, 0, 0, 1, 1, 0, 3); // B labelled voxel 7
    const r = mergeMasks(base, a, b);
    expect([...r.labels]).toEqual([2, 0, 0, 0, 1, 1, 0, 3]);
    expect(r.conflicts).toBe(0);
    expect(r.fromSecondary).toBe(1);
    // Which tip is primary does not matter without conflicts.
    expect([...mergeMasks(base, b, a).labels]).toEqual([...r.labels]);
  });

  it('does not count the same edit in both tips as a conflict', () => {
    const base = m(0, 0, 0, 0, 0, 0, 0, 0);
    const a = m(1, 1, 0, 0, 0, 0, 0, 0);
    const b = m(1, 1, 0, 0, 0, 0, 0, 2);
    const r = mergeMasks(base, a, b);
    expect([...r.labels]).toEqual([1, 1, 0, 0, 0, 0, 0, 2]);
    expect(r.conflicts).toBe(0);
  });

  it('counts voxels both tips changed differently, and gives them the primary tip', () => {
    const base = m(0, 0, 0, 0, 1, 1, 1, 1);
    const a = m(2, 2, 2, 0, 1, 1, 1, 1);
    const b = m(3, 3, 0, 0, 1, 1, 1, 4); // voxels 0 and 1 conflict; voxel 2 only A changed
    const byA = mergeMasks(base, a, b);
    expect([...byA.labels]).toEqual([2, 2, 2, 0, 1, 1, 1, 4]);
    expect(byA.conflicts).toBe(2);
    const byB = mergeMasks(base, b, a);
    expect([...byB.labels]).toEqual([3, 3, 2, 0, 1, 1, 1, 4]);
    expect(byB.conflicts).toBe(2);
  });

  it('keeps a deletion made in one tip, and a deletion against a relabel is a conflict', () => {
    const base = m(1, 1, 1, 1, 0, 0, 0, 0);
    const a = m(1, 1, 0, 0, 0, 0, 0, 0); // A erased voxels 2 and 3
    const b = m(1, 1, 1, 5, 0, 2, 0, 0); // B relabelled voxel 3, labelled voxel 5
    const r = mergeMasks(base, b, a);
    expect([...r.labels]).toEqual([1, 1, 0, 5, 0, 2, 0, 0]);
    expect(r.conflicts).toBe(1);
    expect([...mergeMasks(base, a, b).labels]).toEqual([1, 1, 0, 0, 0, 2, 0, 0]);
  });

  it('merges against an empty mask when the tips share no revision; refuses masks of different sizes', () => {
    const r = mergeMasks(null, m(1, 0, 0, 0), m(0, 2, 0, 0));
    expect([...r.labels]).toEqual([1, 2, 0, 0]);
    expect(() => mergeMasks(null, m(1, 0), m(1, 0, 0))).toThrow(/differ in size/);
  });
});
