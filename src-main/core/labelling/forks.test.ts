import { describe, expect, it } from 'vitest';
import type { RevisionInfo } from '../model';
import { forksOf, tipKey } from './forks';

const rev = (id: number, parentId: number | null, tool = 'brush'): RevisionInfo => ({
  id,
  annotationId: 1,
  parentId,
  author: 'A',
  tool,
  createdAt: '2026-12-06T10:00:00.000Z',
  provenance: {},
  labelVoxels: {},
});

describe('forks in a revision history', () => {
  it('finds none in a line, both tips after a fork, none once a branch was picked', () => {
    expect(forksOf([rev(1, null), rev(2, 1), rev(3, 2)], 3).tips).toEqual([]);
    // 2 and 3 both continue 1 (two workstations); 3 is the head.
    const forked = [rev(1, null), rev(2, 1), rev(3, 1)];
    expect(forksOf(forked, 3).tips.map((r) => r.id)).toEqual([3, 2]);
    expect(forksOf(forked, 3).forkedAfter).toBe(1);
    // Picking 2 (a revert on top of the head) settles it.
    expect(forksOf([...forked, rev(4, 3, 'revert')], 4).tips).toEqual([]);
    // A later import that forks again opens it again.
    expect(forksOf([...forked, rev(4, 3, 'revert'), rev(5, 4), rev(6, 4)], 6).tips.map((r) => r.id)).toEqual([
      6, 5,
    ]);
  });

  it('a reviewer branch pick settles it; the fork point is the newest revision both branches continue', () => {
    // 1 -> 2 -> {3 -> 5, 4}: the branches part after 2.
    const forked = [rev(1, null), rev(2, 1), rev(3, 2), rev(4, 2), rev(5, 3)];
    expect(forksOf(forked, 5)).toMatchObject({ forkedAfter: 2 });
    expect(forksOf(forked, 5).tips.map((r) => r.id)).toEqual([5, 4]);
    expect(forksOf([...forked, rev(6, 5, 'pick-branch')], 6)).toEqual({ tips: [], forkedAfter: null });
    // Two branches that share no revision (each began its own history): no fork point.
    expect(forksOf([rev(1, null), rev(2, null)], 2).forkedAfter).toBeNull();
  });

  it('a merge of two tips settles those two only; a third tip stays open, forked where it parted', () => {
    const at = (id: number) => rev(id, null).createdAt.replace('10:00', `10:0${id}`);
    const timed = (r: RevisionInfo) => ({ ...r, createdAt: at(r.id) });
    // Tips are named by author and time: ids differ on every workstation the merge travels to.
    const merge = (id: number, parentId: number, tips: number[]): RevisionInfo =>
      timed({
        ...rev(id, parentId, 'merge-branches'),
        provenance: {
          mergedBranches: {
            tips,
            base: 1,
            primary: tips[0],
            conflicts: 0,
            settles: tips.map((t) => tipKey({ author: 'A', createdAt: at(t) })),
          },
        },
      });
    // 1 -> {2, 3, 4}; 4 is the head.
    const three = [rev(1, null), rev(2, 1), rev(3, 1), rev(4, 1)].map(timed);
    expect(forksOf(three, 4).tips.map((r) => r.id)).toEqual([4, 3, 2]);
    // Merging 4 (the head) and 3: 2 is still open, and forks from the merge after 1.
    const after = forksOf([...three, merge(5, 4, [4, 3])], 5);
    expect(after.tips.map((r) => r.id)).toEqual([5, 2]);
    expect(after.forkedAfter).toBe(1);
    // Merging the merge with 2 settles the fork.
    expect(forksOf([...three, merge(5, 4, [4, 3]), merge(6, 5, [5, 2])], 6).tips).toEqual([]);
    // Elsewhere (other ids, same authors and times) the merge settles the same tips.
    const shift = (r: RevisionInfo): RevisionInfo => ({
      ...r,
      id: r.id + 10,
      parentId: r.parentId === null ? null : r.parentId + 10,
    });
    const there = forksOf([...three, merge(5, 4, [4, 3])].map(shift), 15);
    expect(there.tips.map((r) => r.id)).toEqual([15, 12]);
  });
});
