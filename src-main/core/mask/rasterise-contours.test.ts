// Known answers of the contour rasteriser on small grids: centres inside (even-odd), holes, half-open edges,
// a concave polygon, an oblique grid, and the refusals (off the slices, outside, overlapping ROIs).
import { describe, expect, it } from 'vitest';
import type { Mat4, Vec3 } from '../geometry/affine';
import { composeAffine } from '../geometry/affine';
import { rasteriseContours } from './rasterise-contours';

const G = {
  dims: [6, 5, 2] as Vec3,
  affineLPS: composeAffine(
    [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
    [2, 2, 3],
    [10, 20, 30],
  ),
};
/** LPS point of continuous index (i, j, k) on G. */
const at = (i: number, j: number, k: number): Vec3 => [10 + 2 * i, 20 + 2 * j, 30 + 3 * k];

function slice(labels: Uint8Array, k: number): string[] {
  const rows: string[] = [];
  for (let j = 0; j < 5; j++)
    rows.push(Array.from(labels.subarray(k * 30 + j * 6, k * 30 + j * 6 + 6)).join(''));
  return rows;
}

describe('rasteriseContours', () => {
  it('fills voxels whose centre is inside; half-open on edges through centres', () => {
    // Square from index 0.5 to 3.5 in i and j on slice 1: centres 1, 2, 3.
    const r = rasteriseContours(G, [
      {
        label: 4,
        name: 'A',
        contours: [[at(0.5, 0.5, 1), at(3.5, 0.5, 1), at(3.5, 3.5, 1), at(0.5, 3.5, 1)]],
      },
    ]);
    if (!r.ok) throw new Error(r.reason);
    expect(slice(r.labels, 0)).toEqual(['000000', '000000', '000000', '000000', '000000']);
    expect(slice(r.labels, 1)).toEqual(['000000', '044400', '044400', '044400', '000000']);
    expect(r.voxels.get(4)).toBe(9);
    // Edges exactly through centres: left and top edges are in, right and bottom out.
    const e = rasteriseContours(G, [
      { label: 1, name: 'E', contours: [[at(1, 1, 0), at(3, 1, 0), at(3, 3, 0), at(1, 3, 0)]] },
    ]);
    if (!e.ok) throw new Error(e.reason);
    expect(slice(e.labels, 0)).toEqual(['000000', '011000', '011000', '000000', '000000']);
  });

  it('takes a contour inside another as a hole (even-odd), and fills a concave polygon', () => {
    const outer = [at(0.5, 0.5, 0), at(4.5, 0.5, 0), at(4.5, 3.5, 0), at(0.5, 3.5, 0)];
    const inner = [at(1.5, 1.5, 0), at(2.5, 1.5, 0), at(2.5, 2.5, 0), at(1.5, 2.5, 0)];
    const concave = [
      at(0.5, 0.5, 1),
      at(5.5, 0.5, 1),
      at(5.5, 1.5, 1),
      at(1.5, 1.5, 1),
      at(1.5, 4.5, 1),
      at(0.5, 4.5, 1),
    ];
    const r = rasteriseContours(G, [
      { label: 1, name: 'Ring', contours: [outer, inner] },
      { label: 2, name: 'L', contours: [concave] },
    ]);
    if (!r.ok) throw new Error(r.reason);
    expect(slice(r.labels, 0)).toEqual(['000000', '011110', '010110', '011110', '000000']);
    expect(slice(r.labels, 1)).toEqual(['000000', '022222', '020000', '020000', '020000']);
    expect([r.voxels.get(1), r.voxels.get(2)]).toEqual([11, 8]);
  });

  it('works in index space on an oblique grid (rotated 30 degrees in-plane)', () => {
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const affine: Mat4 = composeAffine(
      [
        [c, s, 0],
        [-s, c, 0],
        [0, 0, 1],
      ],
      [1, 1, 1],
      [0, 0, 0],
    );
    const g = { dims: [6, 5, 2] as Vec3, affineLPS: affine };
    const p = (i: number, j: number): Vec3 => [c * i - s * j, s * i + c * j, 1];
    const r = rasteriseContours(g, [
      { label: 1, name: 'A', contours: [[p(0.5, 0.5), p(2.5, 0.5), p(2.5, 1.5), p(0.5, 1.5)]] },
    ]);
    if (!r.ok) throw new Error(r.reason);
    expect(slice(r.labels, 1)).toEqual(['000000', '011000', '000000', '000000', '000000']);
  });

  it('refuses contours between slices or outside the volume, and overlapping ROIs', () => {
    const between = rasteriseContours(G, [
      { label: 1, name: 'A', contours: [[at(1, 1, 0.5), at(3, 1, 0.5), at(3, 3, 0.5)]] },
    ]);
    expect(between).toMatchObject({ ok: false, reason: expect.stringMatching(/not on one slice/) });
    const outside = rasteriseContours(G, [
      { label: 1, name: 'A', contours: [[at(1, 1, 2), at(3, 1, 2), at(3, 3, 2)]] },
    ]);
    expect(outside).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/outside the volume's 2 slices/),
    });
    const sq = [at(0.5, 0.5, 0), at(3.5, 0.5, 0), at(3.5, 3.5, 0), at(0.5, 3.5, 0)];
    const overlap = rasteriseContours(G, [
      { label: 1, name: 'A', contours: [sq] },
      { label: 2, name: 'B', contours: [sq] },
    ]);
    expect(overlap).toMatchObject({ ok: false, reason: expect.stringMatching(/'A' and 'B' overlap/) });
  });
});
