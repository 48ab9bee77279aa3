// Spacing, voxel volume and same-grid checks from affines (LPS, row-major).
import { describe, expect, it } from 'vitest';
import { composeAffine, identity4 } from '../geometry/affine';
import { gridOf, sameGrid } from './grid';

describe('gridOf', () => {
  it('takes spacing from the affine columns and the voxel volume in mL', () => {
    const affine = identity4();
    affine[0] = -0.703125;
    affine[5] = -0.703125;
    affine[10] = 2.5;
    const g = gridOf({ dims: [512, 512, 16], affineLPS: affine });
    expect(g.spacing).toEqual([0.703125, 0.703125, 2.5]);
    expect(g.voxelMl).toBeCloseTo((0.703125 * 0.703125 * 2.5) / 1000, 15);
    expect(g.orthogonal).toBe(true);
  });

  it('keeps an oblique (rotated) grid orthogonal and flags a sheared one', () => {
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const rotated = composeAffine(
      [
        [c, s, 0],
        [-s, c, 0],
        [0, 0, 1],
      ],
      [0.8, 0.8, 3],
      [10, 20, 30],
    );
    const g = gridOf({ dims: [4, 4, 4], affineLPS: rotated });
    expect(g.orthogonal).toBe(true);
    expect(g.spacing[0]).toBeCloseTo(0.8, 12);
    expect(g.voxelMl).toBeCloseTo((0.8 * 0.8 * 3) / 1000, 15);
    const sheared = identity4();
    sheared[2] = 0.5; // k moves along x too: a gantry tilt
    const h = gridOf({ dims: [4, 4, 4], affineLPS: sheared });
    expect(h.orthogonal).toBe(false);
    expect(h.voxelMl).toBeCloseTo(0.001, 15); // |det| stays 1 mm^3
  });
});

describe('sameGrid', () => {
  const a = { dims: [100, 100, 10] as [number, number, number], affineLPS: identity4() };
  it('accepts voxel positions within 1e-3 mm and refuses beyond, naming the size', () => {
    const close = identity4();
    close[0] = 1 + 0.5e-3 / 99; // the far corner moves 0.5 um
    expect(sameGrid(a, { dims: a.dims, affineLPS: close })).toEqual({ same: true });
    const far = identity4();
    far[0] = 1 + 2e-3 / 99;
    const r = sameGrid(a, { dims: a.dims, affineLPS: far });
    expect(r.same).toBe(false);
    expect(!r.same && r.reason).toMatch(/differ by up to 0.00200 mm/);
  });

  it('refuses different dims', () => {
    const r = sameGrid(a, { dims: [100, 100, 11], affineLPS: identity4() });
    expect(!r.same && r.reason).toMatch(/dims differ \(100x100x10 vs 100x100x11\)/);
  });
});
