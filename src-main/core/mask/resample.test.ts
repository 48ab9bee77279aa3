// Nearest-neighbour resampling through two affines, on small grids read by eye (labels i fastest).
import { describe, expect, it } from 'vitest';
import { identity4 } from '../geometry/affine';
import type { Mat4 } from '../geometry/affine';
import { resampleNearest } from './resample';

function affine(spacing: [number, number, number], origin: [number, number, number], flipI = false): Mat4 {
  const m = identity4();
  m[0] = flipI ? -spacing[0] : spacing[0];
  m[5] = spacing[1];
  m[10] = spacing[2];
  m[3] = origin[0];
  m[7] = origin[1];
  m[11] = origin[2];
  return m;
}

describe('resampleNearest', () => {
  it('is the identity on the same grid', () => {
    const labels = Uint8Array.from([0, 1, 2, 3, 4, 5]);
    const g = { dims: [3, 2, 1] as [number, number, number], affineLPS: affine([1, 1, 1], [0, 0, 0]) };
    expect([...resampleNearest(labels, g, g)]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('repeats voxels onto a finer grid and leaves target voxels outside the source at 0', () => {
    // Source: 2 voxels 2 mm wide at x = 0 and 2; target: 6 voxels 1 mm wide from x = -0.4.
    const source = { dims: [2, 1, 1] as [number, number, number], affineLPS: affine([2, 1, 1], [0, 0, 0]) };
    const target = {
      dims: [6, 1, 1] as [number, number, number],
      affineLPS: affine([1, 1, 1], [-0.4, 0, 0]),
    };
    // Target centres x = -0.4, 0.6, 1.6, 2.6, 3.6, 4.6 -> source i = -0.2, 0.3, 0.8, 1.3, 1.8, 2.3 -> 0, 0, 1, 1, 2(out), 2(out)
    expect([...resampleNearest(Uint8Array.from([7, 9]), source, target)]).toEqual([7, 7, 9, 9, 0, 0]);
  });

  it('follows a flipped axis (LAS mask onto an LPS volume)', () => {
    const labels = Uint8Array.from([1, 2, 3, 4]);
    const source = {
      dims: [4, 1, 1] as [number, number, number],
      affineLPS: affine([1, 1, 1], [3, 0, 0], true),
    };
    const target = { dims: [4, 1, 1] as [number, number, number], affineLPS: affine([1, 1, 1], [0, 0, 0]) };
    expect([...resampleNearest(labels, source, target)]).toEqual([4, 3, 2, 1]);
  });

  it('maps along j and k with their own strides', () => {
    // 2x2x2 source; the target is shifted by one voxel along k: slice k=0 of the target is source k=1.
    const labels = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const source = { dims: [2, 2, 2] as [number, number, number], affineLPS: affine([1, 1, 3], [0, 0, 0]) };
    const target = { dims: [2, 2, 2] as [number, number, number], affineLPS: affine([1, 1, 3], [0, 0, 3]) };
    expect([...resampleNearest(labels, source, target)]).toEqual([5, 6, 7, 8, 0, 0, 0, 0]);
  });
});
