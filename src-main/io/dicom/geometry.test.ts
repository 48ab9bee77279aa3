import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../../core/geometry/affine';
import { checkStack, positionLabel, seriesAffine, sliceNormal } from './geometry';

const axial = [1, 0, 0, 0, 1, 0];
const zs = (...z: number[]): Vec3[] => z.map((v) => [10, 20, v]);

describe('slice normal and affine', () => {
  it('normal = row x column: axial +z, sagittal (0,1,0 / 0,0,-1) -x, coronal (1,0,0 / 0,0,-1) +y', () => {
    expect(sliceNormal(axial)).toEqual([0, 0, 1]);
    expect(sliceNormal([0, 1, 0, 0, 0, -1]).map((x) => x + 0)).toEqual([-1, 0, 0]);
    expect(sliceNormal([1, 0, 0, 0, 0, -1]).map((x) => x + 0)).toEqual([0, 1, 0]);
  });

  it('PixelSpacing is [row spacing, column spacing]: column i gets the second value, column j the first', () => {
    // Rows 0.5 mm apart, columns 0.8 mm apart: stepping along i (one column) moves 0.8 mm along the row direction.
    const a = seriesAffine(axial, [0.5, 0.8], [0, 0, 1], 3, [1, 2, 3]);
    expect(a).toEqual([0.8, 0, 0, 1, 0, 0.5, 0, 2, 0, 0, 3, 3, 0, 0, 0, 1]);
  });

  it('oblique orientation: columns are the direction cosines times spacing', () => {
    const c = Math.SQRT1_2;
    const iop = [c, c, 0, 0, 0, -1];
    const n = sliceNormal(iop);
    const a = seriesAffine(iop, [2, 1], n, 4, [0, 0, 0]);
    expect(a[0]).toBeCloseTo(c);
    expect(a[4]).toBeCloseTo(c);
    expect(a[9]).toBeCloseTo(-2);
    expect([a[2], a[6], a[10]].map((x) => x! / 4)).toEqual(n);
  });
});

describe('stack checks (tolerances in geometry.ts)', () => {
  it('an even stack gives its step', () => {
    expect(checkStack(zs(-5, -2.5, 0, 2.5), [0, 0, 1], 0.7)).toEqual({ step: 2.5, problems: [] });
  });

  it('a missing slice names the two positions around the gap', () => {
    const r = checkStack(zs(0, 1, 2, 4, 5), [0, 0, 1], 1);
    expect(r.step).toBeUndefined();
    expect(r.problems).toEqual(['missing slice between z=2 and z=4 (gap 2 mm, typical step 1 mm)']);
  });

  it('uneven spacing beyond max(0.01 mm, 1% of the step) is refused; within it, accepted', () => {
    const bad = checkStack(zs(0, 1, 2, 3.3, 4.3), [0, 0, 1], 1);
    expect(bad.problems[0]).toMatch(/^uneven slice spacing: steps from 1 to 1\.3 mm/);
    const ok = checkStack(zs(0, 1.004, 2, 2.995, 4), [0, 0, 1], 1);
    expect(ok.problems).toEqual([]);
    expect(ok.step).toBeCloseTo(1, 9);
  });

  it('duplicate positions are refused as echoes/phases/time points', () => {
    const r = checkStack(zs(0, 0, 1, 1), [0, 0, 1], 1);
    expect(r.problems[0]).toMatch(/^4 slices at only 2 distinct positions \(first duplicate at z=0\)/);
  });

  it('a sheared stack (gantry tilt) is refused', () => {
    const tilted: Vec3[] = [0, 1, 2, 3].map((s) => [0, 0.3 * s, s]);
    expect(checkStack(tilted, [0, 0, 1], 0.5).problems[0]).toMatch(/offset in-plane by up to 0\.9 mm/);
  });

  it('position labels use the axis closest to the normal', () => {
    expect(positionLabel([1, 2, 3], [0, 0, -1])).toBe('z=3');
    expect(positionLabel([1.23456, 2, 3], [-0.9, 0.1, 0])).toBe('x=1.235');
  });
});
