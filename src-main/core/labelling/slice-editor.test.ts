import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../geometry/affine';
import { identity4 } from '../geometry/affine';
import { viewAxes, viewPixelToVoxel } from '../geometry/display';
import { ijkToImagePoint, imagePointToIjk } from './slice-editor';

describe('pointer coordinates for the editor', () => {
  const dims: Vec3 = [10, 8, 6];

  it('puts pixel centres on voxel centres, in every view, matching display.ts', () => {
    for (const view of ['axial', 'coronal', 'sagittal'] as const) {
      const axes = viewAxes(identity4(), view);
      for (const [u, v] of [
        [0, 0],
        [3, 2],
        [5, 5],
      ] as const) {
        const ijk = imagePointToIjk(dims, axes, u + 0.5, v + 0.5, 2);
        expect(ijk).toEqual(viewPixelToVoxel(dims, axes, { u, v, slice: 2 }));
        expect(ijkToImagePoint(dims, axes, ijk)).toEqual({ x: u + 0.5, y: v + 0.5 });
      }
    }
  });

  it('a pixel corner is half a voxel from the centres (flipped axes too)', () => {
    const coronal = viewAxes(identity4(), 'coronal'); // screen down = −k
    const ijk = imagePointToIjk(dims, coronal, 0, 0, 3);
    expect(ijk).toEqual([-0.5, 3, 5.5]);
  });
});
