// Known answers for the measurements, worked by hand in the comments: a ruler and an ellipse on an
// anisotropic grid, on an oblique (rotated) grid and on a sheared one; ellipse statistics over a small
// slice; label volumes and statistics.
import { describe, expect, it } from 'vitest';
import type { Mat4 } from '../geometry/affine';
import type { MeasurementShape } from './geometry';
import { ellipseAreaMm2, pixelAreaMm2, rulerLengthMm, shapeProblem, voxelVolumeMm3 } from './geometry';
import { ellipseStatistics, labelStatistics } from './statistics';

/** Row-major affine with columns c0, c1, c2 (LPS mm per voxel step) and origin o. */
function affine(c0: number[], c1: number[], c2: number[], o = [0, 0, 0]): Mat4 {
  return [
    c0[0]!,
    c1[0]!,
    c2[0]!,
    o[0]!,
    c0[1]!,
    c1[1]!,
    c2[1]!,
    o[1]!,
    c0[2]!,
    c1[2]!,
    c2[2]!,
    o[2]!,
    0,
    0,
    0,
    1,
  ];
}

// CT-like: 0.7 × 0.7 mm in plane, 2.5 mm slices, origin anywhere (a length does not depend on it).
const ANISO = affine([0.7, 0, 0], [0, 0.7, 0], [0, 0, 2.5], [-120, 33, 500]);
// Rotated 30° about z, spacing 2 (i), 1 (j), 3 (k): columns 2·(cos30, sin30, 0), (−sin30, cos30, 0), (0, 0, 3).
const C = Math.cos(Math.PI / 6);
const S = Math.sin(Math.PI / 6);
const OBLIQUE = affine([2 * C, 2 * S, 0], [-S, C, 0], [0, 0, 3], [10, -20, 5]);
// Sheared (a gantry tilt seen in-plane): j steps 1 mm along y and 1 mm along x.
const SHEAR = affine([1, 0, 0], [1, 1, 0], [0, 0, 1]);

describe('ruler length', () => {
  it('uses the anisotropic spacing: a 3-4-5 triangle in voxels is 2.1-2.8-3.5 mm', () => {
    expect(rulerLengthMm(ANISO, [0, 0, 3], [3, 4, 3])).toBeCloseTo(3.5, 12);
    // On a coronal slice (j fixed): 4 voxels along i (2.8 mm) and 2 along k (5 mm): √(2.8² + 5²).
    expect(rulerLengthMm(ANISO, [0, 5, 0], [4, 5, 2])).toBeCloseTo(Math.sqrt(2.8 ** 2 + 25), 12);
    // Half-voxel ends (continuous indices) count too.
    expect(rulerLengthMm(ANISO, [0.5, 0, 0], [0, 0, 0])).toBeCloseTo(0.35, 12);
  });

  it('follows the direction cosines of an oblique grid and the shear of a skewed one', () => {
    // (1, 1) in index: 2 mm along the rotated i axis and 1 mm along the rotated j axis, orthogonal: √5.
    expect(rulerLengthMm(OBLIQUE, [0, 0, 0], [1, 1, 0])).toBeCloseTo(Math.sqrt(5), 12);
    // Along k only: 3 mm per slice.
    expect(rulerLengthMm(OBLIQUE, [4, 4, 1], [4, 4, 3])).toBeCloseTo(6, 12);
    // Two steps along the sheared j axis move (2, 2, 0) mm: 2√2, not 2.
    expect(rulerLengthMm(SHEAR, [0, 0, 0], [0, 2, 0])).toBeCloseTo(2 * Math.SQRT2, 12);
  });
});

describe('ellipse area', () => {
  const on = (axis: 0 | 1 | 2, a: number[], b: number[]): MeasurementShape => ({
    kind: 'ellipse',
    axis,
    slice: a[axis]!,
    points: [a as [number, number, number], b as [number, number, number]],
  });

  it('is π·r₁·r₂ in voxels times the in-plane pixel area', () => {
    // Axial: radii 2 and 1 voxels, pixel 0.7 × 0.7 = 0.49 mm²: 0.98π.
    expect(ellipseAreaMm2(ANISO, on(2, [0, 0, 3], [4, 2, 3]))).toBeCloseTo(0.98 * Math.PI, 12);
    // Coronal (j fixed): pixel 0.7 × 2.5 = 1.75 mm²; radii 2 (i) and 1 (k): 3.5π.
    expect(ellipseAreaMm2(ANISO, on(1, [1, 7, 0], [5, 7, 2]))).toBeCloseTo(3.5 * Math.PI, 12);
  });

  it('keeps the oblique grid area (a rotation) and the shear (a parallelogram)', () => {
    expect(pixelAreaMm2(OBLIQUE, 2)).toBeCloseTo(2, 12);
    expect(pixelAreaMm2(OBLIQUE, 0)).toBeCloseTo(3, 12);
    // |(1,0,0) × (1,1,0)| = 1: the sheared pixel has the area of the square.
    expect(pixelAreaMm2(SHEAR, 2)).toBeCloseTo(1, 12);
    expect(voxelVolumeMm3(OBLIQUE)).toBeCloseTo(6, 12);
    expect(ellipseAreaMm2(OBLIQUE, on(2, [0, 0, 0], [2, 6, 0]))).toBeCloseTo(Math.PI * 1 * 3 * 2, 12);
  });

  it('refuses a shape off its slice or off the image', () => {
    const dims: [number, number, number] = [10, 10, 5];
    expect(shapeProblem(dims, on(2, [0, 0, 3], [4, 2, 3]))).toBeNull();
    expect(shapeProblem(dims, on(2, [0, 0, 3], [4, 2, 2]))).toMatch(/on its slice/);
    expect(shapeProblem(dims, on(2, [0, 0, 5], [4, 2, 5]))).toMatch(/outside the volume/);
    expect(shapeProblem(dims, on(2, [0, 0, 3], [12, 2, 3]))).toMatch(/outside the image/);
  });
});

describe('ellipse statistics', () => {
  // 5 × 5 × 1 slice, stored value i + 10·j. The circle of radius 2 about (2, 2) holds the voxel centres with
  // (a−2)² + (b−2)² ≤ 4: column a = 2 all five (2, 12, 22, 32, 42), a = 1 and 3 the middle three (11, 21,
  // 31; 13, 23, 33), a = 0 and 4 the centre one (20; 24): 13 voxels, sum 286, mean 22. Squared deviations
  // 400+100+0+100+400 + 121+1+81 + 81+1+121 + 4 + 4 = 1414: SD √(1414/13).
  const dims: [number, number, number] = [5, 5, 1];
  const stored = new Int16Array(25).map((_, x) => (x % 5) + 10 * Math.floor(x / 5));
  const circle: MeasurementShape = {
    kind: 'ellipse',
    axis: 2,
    slice: 0,
    points: [
      [0, 0, 0],
      [4, 4, 0],
    ],
  };

  it('counts the voxels whose centre is inside, with population SD', () => {
    const s = ellipseStatistics(
      stored,
      dims,
      { slope: 1, intercept: 0 },
      affine([1, 0, 0], [0, 1, 0], [0, 0, 1]),
      circle,
    );
    expect(s.count).toBe(13);
    expect(s.mean).toBeCloseTo(22, 12);
    expect(s.sd).toBeCloseTo(Math.sqrt(1414 / 13), 12);
    expect([s.min, s.max]).toEqual([2, 42]);
    expect(s.areaMm2).toBeCloseTo(4 * Math.PI, 12);
  });

  it('reports physical values (slope 2, intercept −1000) and the anisotropic area', () => {
    const s = ellipseStatistics(stored, dims, { slope: 2, intercept: -1000 }, ANISO, circle);
    expect(s.mean).toBeCloseTo(2 * 22 - 1000, 9);
    expect(s.sd).toBeCloseTo(2 * Math.sqrt(1414 / 13), 9);
    expect([s.min, s.max]).toEqual([-996, -916]);
    expect(s.areaMm2).toBeCloseTo(4 * Math.PI * 0.49, 12);
  });

  it('reads a coronal slice through the volume (strided), and an empty ellipse gives no figures', () => {
    // 3 × 3 × 3, value = k: an ellipse on j = 1 spanning i 0..2 and k 0..2 (radius 1) holds (1,0), (0,1),
    // (1,1), (2,1), (1,2) in (i, k): values 0, 1, 1, 1, 2, mean 1, SD √(2/5).
    const cube = new Uint8Array(27).map((_, x) => Math.floor(x / 9));
    const s = ellipseStatistics(cube, [3, 3, 3], { slope: 1, intercept: 0 }, ANISO, {
      kind: 'ellipse',
      axis: 1,
      slice: 1,
      points: [
        [0, 1, 0],
        [2, 1, 2],
      ],
    });
    expect([s.count, s.mean, s.min, s.max]).toEqual([5, 1, 0, 2]);
    expect(s.sd).toBeCloseTo(Math.sqrt(2 / 5), 12);
    const none = ellipseStatistics(cube, [3, 3, 3], { slope: 1, intercept: 0 }, ANISO, {
      kind: 'ellipse',
      axis: 2,
      slice: 0,
      points: [
        [0.2, 0.2, 0],
        [0.8, 0.8, 0],
      ],
    });
    expect(none.count).toBe(0);
    expect(none.mean).toBeNaN();
  });
});

describe('label statistics', () => {
  it('gives each label its voxels, volume in mL and the image statistics inside', () => {
    // 4 × 2 × 1, values 10..80; label 1 on voxels 1, 2, 5 (20, 30, 60), label 2 on 3, 6, 7 (40, 70, 80).
    // The oblique grid's voxel is 2 · 1 · 3 = 6 mm³: three voxels are 18 mm³ = 0.018 mL.
    const mask = Uint8Array.from([0, 1, 1, 2, 0, 1, 2, 2]);
    const values = Float32Array.from([10, 20, 30, 40, 50, 60, 70, 80]);
    const [one, two, ...rest] = labelStatistics(mask, values, { slope: 1, intercept: 0 }, OBLIQUE);
    expect(rest).toEqual([]);
    expect(one).toMatchObject({ label: 1, voxels: 3, count: 3, min: 20, max: 60 });
    expect(one!.volumeMl).toBeCloseTo(0.018, 12);
    expect(one!.mean).toBeCloseTo(110 / 3, 9);
    // Deviations −50/3, −20/3, 70/3: squares sum 7800/9, over 3: SD √(2600/9).
    expect(one!.sd).toBeCloseTo(Math.sqrt(2600 / 9), 9);
    expect(two).toMatchObject({ label: 2, voxels: 3, min: 40, max: 80 });
    expect(two!.mean).toBeCloseTo(190 / 3, 9);
  });

  it('counts a NaN voxel in the volume but not in the statistics', () => {
    const s = labelStatistics(
      Uint8Array.from([3, 3]),
      Float32Array.from([NaN, 5]),
      { slope: 1, intercept: 0 },
      ANISO,
    );
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ label: 3, voxels: 2, count: 1, mean: 5, sd: 0 });
    expect(s[0]!.volumeMl).toBeCloseTo((2 * 0.7 * 0.7 * 2.5) / 1000, 12);
  });
});
