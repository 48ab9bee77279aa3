// Dice, Jaccard and volumes from counts, on masks small enough to count by eye, with empty masks and
// anisotropic voxels.
import { describe, expect, it } from 'vitest';
import { dice, jaccard } from './dice';
import { gridFromSpacing } from './grid';
import { overlapCounts } from './overlap-counts';
import { compareVolumes } from './volume';

// 4 x 3 x 2 grid, i fastest. A has 6 voxels, B 4, 3 shared.
const A = Uint8Array.from([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, /* k=1 */ 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const B = Uint8Array.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, /* k=1 */ 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

describe('overlap counts', () => {
  it('counts each mask, their intersection and the union box', () => {
    const c = overlapCounts(A, B, [4, 3, 2], 1);
    expect(c).toEqual({ a: 6, b: 4, both: 3, unionBox: { min: [0, 0, 0], max: [2, 1, 1] } });
  });

  it('looks only at the given label', () => {
    const a2 = A.map((x) => x * 2);
    expect(overlapCounts(a2, B, [4, 3, 2], 2)).toMatchObject({ a: 6, b: 0, both: 0 });
    expect(overlapCounts(a2, B, [4, 3, 2], 1)).toMatchObject({ a: 0, b: 4, both: 0 });
  });
});

describe('Dice and Jaccard', () => {
  it('follow 2|A∩B|/(|A|+|B|) and |A∩B|/|A∪B|', () => {
    const c = overlapCounts(A, B, [4, 3, 2], 1);
    expect(dice(c)).toBe((2 * 3) / (6 + 4));
    expect(jaccard(c)).toBe(3 / 7);
  });

  it('give 1 for two empty masks and 0 when one is empty (ITK: inf and 0)', () => {
    const empty = new Uint8Array(24);
    const both = overlapCounts(empty, empty, [4, 3, 2], 1);
    expect(both.unionBox).toBeNull();
    expect(dice(both)).toBe(1);
    expect(jaccard(both)).toBe(1);
    const one = overlapCounts(A, empty, [4, 3, 2], 1);
    expect(dice(one)).toBe(0);
    expect(jaccard(one)).toBe(0);
  });
});

describe('volumes', () => {
  it('are voxel counts times the voxel volume in mL, with signed, absolute and % differences', () => {
    const grid = gridFromSpacing([4, 3, 2], [0.5, 2, 4]); // 4 mm^3 = 0.004 mL per voxel
    const v = compareVolumes(overlapCounts(A, B, [4, 3, 2], 1), grid.voxelMl);
    expect(v.volumeA_ml).toBeCloseTo(0.024, 15);
    expect(v.volumeB_ml).toBeCloseTo(0.016, 15);
    expect(v.volumeDifferenceMl).toBeCloseTo(-0.008, 15);
    expect(v.absVolumeDifferenceMl).toBeCloseTo(0.008, 15);
    expect(v.volumeDifferencePercent).toBeCloseTo(-100 / 3, 12);
    expect(v.volumeSimilarity).toBeCloseTo((2 * (6 - 4)) / 10, 15); // ITK's definition
  });

  it('leave the percentage and volume similarity null where they divide by zero', () => {
    const empty = new Uint8Array(24);
    const v = compareVolumes(overlapCounts(empty, B, [4, 3, 2], 1), 1);
    expect(v.volumeDifferencePercent).toBeNull();
    expect(v.volumeSimilarity).toBe(-2);
    const none = compareVolumes(overlapCounts(empty, empty, [4, 3, 2], 1), 1);
    expect(none.volumeSimilarity).toBeNull();
    expect(none.volumeDifferenceMl).toBe(0);
  });
});
