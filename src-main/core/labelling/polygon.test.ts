import { describe, expect, it } from 'vitest';
import { printMask } from './ascii-mask';
import type { Vec3 } from '../geometry/affine';
import { polygonVoxels } from './polygon';

function draw(dims: Vec3, indices: Int32Array): string[][] {
  const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (const idx of indices) m[idx] = 1;
  return printMask(m, dims);
}

describe('polygon fill', () => {
  it('takes the voxels whose centres are inside a rectangle', () => {
    const dims: Vec3 = [5, 4, 1];
    const square: [number, number][] = [
      [0.5, 0.5],
      [3.5, 0.5],
      [3.5, 2.5],
      [0.5, 2.5],
    ];
    expect(draw(dims, polygonVoxels(dims, { axisA: 0, axisB: 1, normalAxis: 2, slice: 0 }, square))).toEqual([
      ['.....', '.111.', '.111.', '.....'],
    ]);
  });

  it('a centre on the left edge is inside, on the right (hypotenuse) edge outside', () => {
    const dims: Vec3 = [5, 5, 1];
    const tri: [number, number][] = [
      [-0.5, -0.5],
      [4.5, -0.5],
      [-0.5, 4.5],
    ];
    // Inside: a + b < 4 (centres with a + b = 4 lie on the hypotenuse, a right edge).
    expect(draw(dims, polygonVoxels(dims, { axisA: 0, axisB: 1, normalAxis: 2, slice: 0 }, tri))).toEqual([
      ['1111.', '111..', '11...', '1....', '.....'],
    ]);
  });

  it('maps (a, b) to the in-plane axes of the slice (coronal: i and k at j = 1)', () => {
    const dims: Vec3 = [3, 2, 3];
    const poly: [number, number][] = [
      [0.5, -0.5],
      [2.5, -0.5],
      [2.5, 1.5],
      [0.5, 1.5],
    ];
    expect(draw(dims, polygonVoxels(dims, { axisA: 0, axisB: 2, normalAxis: 1, slice: 1 }, poly))).toEqual([
      ['...', '.11'],
      ['...', '.11'],
      ['...', '...'],
    ]);
  });

  it('fills by the even-odd rule (a self-crossing bow tie) and clips to the grid', () => {
    const dims: Vec3 = [4, 3, 1];
    const bow: [number, number][] = [
      [-5, -5],
      [9, 9],
      [9, -5],
      [-5, 9],
    ];
    // Row b crosses the edges at a = −5, b, 4 − b and 9: inside are [−5, min) and [max, 9), so the
    // wedge between the diagonals (above their crossing at (2, 2)) stays empty; clipped to 4×3.
    expect(draw(dims, polygonVoxels(dims, { axisA: 0, axisB: 1, normalAxis: 2, slice: 0 }, bow))).toEqual([
      ['....', '1..1', '1111'],
    ]);
  });

  it('needs three points', () => {
    expect(
      polygonVoxels([3, 3, 1], { axisA: 0, axisB: 1, normalAxis: 2, slice: 0 }, [
        [0, 0],
        [2, 2],
      ]).length,
    ).toBe(0);
  });
});
