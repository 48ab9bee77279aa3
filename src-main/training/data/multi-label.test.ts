// Several labels in one model: the target planes from raters' label maps (agreement, vote, STAPLE, one
// map), the argmax decoding and its values, and Dice per label, against answers worked out by hand.
import { describe, expect, test } from 'vitest';
import {
  argmaxClass,
  classesToValues,
  countPixel,
  emptyCounts,
  labelDice,
  labelPlanes,
  maxOverPlanes,
  referenceClass,
} from './multi-label';

// Four voxels, label values 1 (liver) and 3 (tumour); value 2 is not in the run's list.
const A = Uint8Array.from([0, 1, 3, 3]);
const B = Uint8Array.from([1, 1, 3, 2]);
const C = Uint8Array.from([0, 1, 1, 3]);

describe('multi-label targets', () => {
  test('agreement: per label, the share of raters giving it; labels outside the list are background', () => {
    const t = labelPlanes('agreement', [A, B, C], [1, 3]);
    // Plane of label 1 then plane of label 3, four voxels each: shares 1/3 -> 85, 2/3 -> 170, 1 -> 255.
    expect([...t]).toEqual([85, 255, 85, 0, 0, 0, 170, 170]);
    // A voxel's shares never pass 1: 1/3 + 2/3 at voxel 2; at voxel 3 rater B's value 2 is background.
    for (let i = 0; i < 4; i++) expect(t[i]! + t[4 + i]!).toBeLessThanOrEqual(255);
  });

  test('vote: the label most raters gave, one-hot; a tie is background', () => {
    const t = labelPlanes('vote', [A, B, C], [1, 3]);
    // voxel 0: 0,1,0 -> background; 1: all 1; 2: 3,3,1 -> 3; 3: 3,(2 -> 0),3 -> 3.
    expect([...t]).toEqual([0, 255, 0, 0, 0, 0, 255, 255]);
    // Two raters disagreeing (1 against 3) tie: background.
    expect([...labelPlanes('vote', [Uint8Array.of(1), Uint8Array.of(3)], [1, 3])]).toEqual([0, 0]);
  });

  test('one map: one-hot planes in the list order', () => {
    expect([...labelPlanes('single', [B], [3, 1])]).toEqual([0, 0, 255, 0, 255, 255, 0, 0]);
  });

  test('STAPLE: per label probabilities whose sum stays within 1', () => {
    const t = labelPlanes('staple', [A, B, C], [1, 3]);
    for (let i = 0; i < 4; i++) expect(t[i]! + t[4 + i]!).toBeLessThanOrEqual(256); // rounding: one byte
    expect(t[1]).toBeGreaterThan(200); // every rater gave voxel 1 label 1
    expect(t[4 + 2]).toBeGreaterThan(t[2]!); // voxel 2: two raters say 3, one says 1
  });

  test('which slices have foreground: the largest plane per voxel', () => {
    expect([...maxOverPlanes(Uint8Array.from([85, 255, 85, 0, 0, 0, 170, 170]), 2)]).toEqual([
      85, 255, 170, 170,
    ]);
  });
});

describe('argmax decoding and Dice per label', () => {
  test('argmax over background and the labels; the lowest class wins a tie', () => {
    const p = [0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.2, 0.4, 0.4];
    expect(argmaxClass(p, 0, 3)).toBe(0);
    expect(argmaxClass(p, 3, 3)).toBe(2);
    expect(argmaxClass(p, 6, 3)).toBe(1);
  });

  test('classes become the labels values', () => {
    expect([...classesToValues(Uint8Array.from([0, 1, 2, 2]), [4, 7])]).toEqual([0, 4, 7, 7]);
  });

  test('the reference class is the label reaching the majority byte, else background', () => {
    const planes = Uint8Array.from([0, 85, 255, 85, 0, 0, 170, 170]);
    expect([0, 1, 2, 3].map((i) => referenceClass(planes, 4, 2, i, 129))).toEqual([0, 0, 1, 2]);
    expect([0, 1, 2, 3].map((i) => referenceClass(planes, 4, 2, i, 1))).toEqual([0, 1, 1, 1]);
  });

  test('Dice per label pooled over pixels, and their mean', () => {
    const counts = emptyCounts(2);
    // predicted, reference: label 1 right twice and once missed, label 2 once predicted in its place.
    for (const [p, r] of [
      [1, 1],
      [1, 1],
      [0, 1],
      [2, 0],
      [0, 0],
    ] as const)
      countPixel(counts, p, r);
    const d = labelDice(counts);
    expect(d.perLabel[0]).toBeCloseTo((2 * 2) / (2 + 3), 10);
    expect(d.perLabel[1]).toBe(0);
    expect(d.mean).toBeCloseTo(0.4, 10);
    // A label in neither mask counts 1, as one-label validation does for empty slices.
    expect(labelDice(emptyCounts(1)).perLabel).toEqual([1]);
  });
});
