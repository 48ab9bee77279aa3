import { describe, expect, it } from 'vitest';
import { parseMask, printMask } from './ascii-mask';
import { regionGrow } from './region-grow';

/** Values from digit art (value = digit × 10), on the same layout as masks. */
function values(slices: string[][]) {
  const { mask, dims } = parseMask(slices.map((s) => s.map((r) => r.replace(/0/g, '.'))));
  return { voxels: Int16Array.from(mask, (v) => v * 10), dims };
}

function asMask(indices: Int32Array, dims: [number, number, number]): string[][] {
  const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (const idx of indices) m[idx] = 1;
  return printMask(m, dims);
}

const ID = { slope: 1, intercept: 0 };

describe('region growing', () => {
  const vol = values([
    ['55500', '50500', '55509'],
    ['00005', '00005', '66000'],
  ]);

  it('fills the 4-connected region of similar values on the seed slice (2D)', () => {
    const r = regionGrow(vol.voxels, vol.dims, ID, {
      seed: [0, 0, 0],
      tolerance: 5,
      mode: '2d',
      normalAxis: 2,
      maxVoxels: 100,
    });
    expect(asMask(r.indices, vol.dims)).toEqual([
      ['111..', '1.1..', '111..'],
      ['.....', '.....', '.....'],
    ]);
    expect(r.seedValue).toBe(50);
    expect(r.truncated).toBe(false);
  });

  it('grows across slices through face neighbours only (3D, 6-connectivity)', () => {
    const r = regionGrow(vol.voxels, vol.dims, ID, {
      seed: [0, 0, 0],
      tolerance: 10,
      mode: '3d',
      normalAxis: 2,
      maxVoxels: 100,
    });
    // 60 is within 10 of 50 and lies under (0,2,0) and (1,2,0); the 50s at i = 4 on k = 1 touch nothing.
    expect(asMask(r.indices, vol.dims)).toEqual([
      ['111..', '1.1..', '111..'],
      ['.....', '.....', '11...'],
    ]);
  });

  it('stops at maxVoxels and says so', () => {
    const r = regionGrow(vol.voxels, vol.dims, ID, {
      seed: [0, 0, 0],
      tolerance: 5,
      mode: '2d',
      normalAxis: 2,
      maxVoxels: 3,
    });
    expect(r.indices.length).toBe(3);
    expect(r.truncated).toBe(true);
    expect(r.indices[0]).toBe(0);
  });

  it('grows in the plane of another view (through-plane axis j)', () => {
    const r = regionGrow(vol.voxels, vol.dims, ID, {
      seed: [4, 0, 1],
      tolerance: 0,
      mode: '2d',
      normalAxis: 1,
      maxVoxels: 100,
    });
    // Plane j = 0: (4,0,1) = 50; its in-plane neighbours (3,0,1) = 0 and (4,0,0) = 0 do not match.
    expect(asMask(r.indices, vol.dims)).toEqual([
      ['.....', '.....', '.....'],
      ['....1', '.....', '.....'],
    ]);
  });

  it('a refused voxel blocks the growth (protected labels)', () => {
    const r = regionGrow(vol.voxels, vol.dims, ID, {
      seed: [0, 0, 0],
      tolerance: 5,
      mode: '2d',
      normalAxis: 2,
      maxVoxels: 100,
      admit: (idx) => idx !== 1 && idx !== 5,
    });
    expect(asMask(r.indices, vol.dims)[0]).toEqual(['1....', '.....', '.....']);
  });

  it('refuses a seed outside the grid', () => {
    expect(() =>
      regionGrow(vol.voxels, vol.dims, ID, {
        seed: [5, 0, 0],
        tolerance: 1,
        mode: '3d',
        normalAxis: 2,
        maxVoxels: 9,
      }),
    ).toThrow(/outside/);
  });
});
