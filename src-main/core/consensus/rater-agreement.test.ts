// Each rater against a reference mask, with undecided voxels left out.
import { describe, expect, it } from 'vitest';
import { raterAgreement } from './rater-agreement';

describe('raterAgreement', () => {
  it('counts sensitivity and specificity against the reference, skipping undecided voxels', () => {
    const reference = Uint8Array.from([1, 1, 0, 0, 255, 0]);
    const a = Uint8Array.from([1, 0, 0, 1, 1, 0]);
    const b = Uint8Array.from([1, 1, 0, 0, 0, 0]);
    expect(raterAgreement([a, b], reference, 1, 255)).toEqual([
      { sensitivity: 0.5, specificity: 2 / 3 },
      { sensitivity: 1, specificity: 1 },
    ]);
    // Without exclusion the 255 voxel counts as "not label".
    expect(raterAgreement([a], reference, 1, null)[0]!.specificity).toBe(2 / 4);
  });

  it('gives null where the reference has no voxel on one side', () => {
    expect(raterAgreement([Uint8Array.from([0, 1])], Uint8Array.from([0, 0]), 1, null)).toEqual([
      { sensitivity: null, specificity: 0.5 },
    ]);
  });
});
