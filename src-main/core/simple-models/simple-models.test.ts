// Known answers for the simple models: Otsu's threshold against scikit-image's definition (worked by hand
// below, and numpy's binning), the watershed's flooding order on small grids, the gradient of a ramp, and
// the drafts of synthetic CT blocks whose true extent is known.
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../geometry/affine';
import { gradientMagnitude } from './gradient';
import { otsuThreshold } from './otsu';
import { simpleDraft } from './simple-draft';
import { markerWatershed } from './watershed';

const HU = { slope: 1, intercept: 0 };

describe('otsuThreshold (scikit-image threshold_otsu)', () => {
  it('ten values, 10 bins: the first best split, at the centre of bin 1', () => {
    // Range [0, 9], bins of 0.9: 0 -> bin 0 (centre 0.45) x3, 1 -> bin 1 (1.35) x2, 8 -> bin 8 (7.65),
    // 9 -> bin 9 (8.55) x4. Every split between bins 1 and 8 separates {0,0,0,1,1} from {8,9,9,9,9} with the
    // same between-class variance (5·5·(0.81 − 8.37)² = 1428.84); the first is after bin 1: threshold 1.35.
    const r = otsuThreshold([0, 0, 0, 1, 1, 8, 9, 9, 9, 9], 10);
    expect(r.threshold).toBeCloseTo(1.35, 12);
    expect([r.min, r.max]).toEqual([0, 9]);
  });

  it('256 bins, as scikit-image by default (answers from numpy with its algorithm)', () => {
    expect(otsuThreshold([0, 0, 0, 1, 1, 8, 9, 9, 9, 9]).threshold).toBeCloseTo(1.001953125, 9);
    const hu = [...Array(6).fill(-1000), -900, -900, 0, 0, 0, 40, 40, 40, 40, 40];
    expect(otsuThreshold(hu).threshold).toBeCloseTo(-900.46875, 9);
  });

  it('one value only: nothing above the threshold', () => {
    expect(otsuThreshold([5, 5, 5]).threshold).toBe(5);
    expect(() => otsuThreshold([])).toThrow(RangeError);
  });
});

describe('markerWatershed', () => {
  it('1D: the ridge voxel goes to the flood that reaches it from the lower side', () => {
    // Surface 0 1 2 5 3 1 0, markers 1 (left end) and 2 (right end): the left flood climbs 1, 2 and labels
    // the ridge (5) when it pops the 2, before the right flood pops its 3.
    const surface = Float32Array.from([0, 1, 2, 5, 3, 1, 0]);
    const markers = Uint8Array.from([1, 0, 0, 0, 0, 0, 2]);
    expect([...markerWatershed(surface, [7, 1, 1], markers)]).toEqual([1, 1, 1, 1, 2, 2, 2]);
  });

  it('2D: two basins split along the ridge between them; markers are kept', () => {
    // 5x3, ridge of 9 in column 2; markers in columns 0 and 4.
    const row = [0, 1, 9, 1, 0];
    const surface = Float32Array.from([...row, ...row, ...row]);
    const markers = new Uint8Array(15);
    markers[5] = 3; // (0,1)
    markers[9] = 7; // (4,1)
    const out = markerWatershed(surface, [5, 3, 1], markers);
    for (let j = 0; j < 3; j++) {
      expect([out[j * 5], out[j * 5 + 1], out[j * 5 + 3], out[j * 5 + 4]]).toEqual([3, 3, 7, 7]);
      expect([3, 7]).toContain(out[j * 5 + 2]);
    }
  });
});

describe('gradientMagnitude', () => {
  it('a ramp of 2 HU per voxel along i, 0.5 mm voxels: 4 HU/mm everywhere, faces included', () => {
    const dims: Vec3 = [6, 3, 2];
    const v = new Float32Array(36);
    for (let idx = 0; idx < 36; idx++) v[idx] = 2 * (idx % 6);
    const g = gradientMagnitude(v, dims, [0.5, 1, 3]);
    expect([...g].every((x) => Math.abs(x - 4) < 1e-6)).toBe(true);
  });
});

/** A CT-like volume (-800 HU) with blocks of given HU, each [i0, i1, j0, j1, k0, k1] half-open. */
function phantom(dims: Vec3, blocks: { box: number[]; hu: number }[], background = -800) {
  const [nx, ny, nz] = dims;
  const v = new Int16Array(nx * ny * nz).fill(background);
  const truth = blocks.map(() => new Uint8Array(nx * ny * nz));
  blocks.forEach(({ box, hu }, b) => {
    for (let k = box[4]!; k < box[5]!; k++)
      for (let j = box[2]!; j < box[3]!; j++)
        for (let i = box[0]!; i < box[1]!; i++) {
          v[i + j * nx + k * nx * ny] = hu;
          truth[b]![i + j * nx + k * nx * ny] = 1;
        }
  });
  return { v, truth };
}

const DIMS: Vec3 = [40, 40, 12];
const SPACING: Vec3 = [0.7, 0.7, 2.5];

describe('simpleDraft', () => {
  const { v, truth } = phantom(DIMS, [
    { box: [8, 18, 10, 20, 3, 7], hu: 40 },
    { box: [26, 34, 24, 32, 4, 9], hu: 60 },
  ]);

  it('watershed from one click: the clicked block, give or take its one-voxel rim (the ridge is two voxels wide)', () => {
    // Central differences put the same gradient on the last voxel inside and the first outside, so the
    // floods meet at equal height there: the known answer is "block eroded by one voxel ⊆ draft ⊆ block
    // dilated by one voxel", and nothing of the other block.
    const r = simpleDraft(v, DIMS, SPACING, HU, {
      method: 'watershed',
      seeds: [[12, 14, 5]],
      sigmaMm: 0,
      marginMm: 8,
    });
    const inner = phantom(DIMS, [{ box: [9, 17, 11, 19, 4, 6], hu: 1 }]).truth[0]!;
    const outer = phantom(DIMS, [{ box: [7, 19, 9, 21, 2, 8], hu: 1 }]).truth[0]!;
    for (let i = 0; i < r.labels.length; i++) {
      if (inner[i]) expect(r.labels[i]).toBe(1);
      if (!outer[i]) expect(r.labels[i]).toBe(0);
    }
    expect(r.foregroundVoxels).toBeGreaterThan(8 * 8 * 2);
    // The region searched: the click grown by 8 mm (12 voxels in-plane, 4 slices), clamped to the grid.
    expect(r.box).toEqual([0, 25, 2, 27, 1, 10]);
  });

  it('watershed after a 1 mm Gaussian finds the other block (Dice > 0.75); label value kept', () => {
    const r = simpleDraft(v, DIMS, SPACING, HU, {
      method: 'watershed',
      seeds: [[30, 28, 6]],
      label: 3,
      sigmaMm: 1,
    });
    let inter = 0;
    let n = 0;
    for (let i = 0; i < r.labels.length; i++) {
      if (r.labels[i]) n++;
      if (r.labels[i] === 3 && truth[1]![i]) inter++;
    }
    expect((2 * inter) / (n + 8 * 8 * 5)).toBeGreaterThan(0.75);
    expect(new Set(r.labels)).toEqual(new Set([0, 3]));
    expect(r.labels.some((x, i) => x !== 0 && truth[0]![i] === 1)).toBe(false);
  });

  it('otsu: without seeds, the bright side everywhere; with a click, only the clicked block', () => {
    const all = simpleDraft(v, DIMS, SPACING, HU, { method: 'otsu', seeds: [] });
    expect(all.foregroundVoxels).toBe(400 + 320);
    expect(all.threshold).toBeGreaterThan(-800);
    expect(all.threshold).toBeLessThan(40);
    const one = simpleDraft(v, DIMS, SPACING, HU, { method: 'otsu', seeds: [[30, 28, 6]] });
    expect([...one.labels]).toEqual([...truth[1]!]);
  });

  it('otsu on a dark structure: a click on it picks the dark side', () => {
    const dark = phantom(DIMS, [{ box: [10, 20, 10, 20, 2, 8], hu: -950 }], 30);
    const r = simpleDraft(dark.v, DIMS, SPACING, HU, { method: 'otsu', seeds: [[15, 15, 5]] });
    expect([...r.labels]).toEqual([...dark.truth[0]!]);
  });

  it('window: a CT window [0, 50] HU keeps the 40 HU block, not the 60 HU one; a click keeps its part', () => {
    const r = simpleDraft(
      v,
      DIMS,
      SPACING,
      { slope: 1, intercept: 0 },
      { method: 'window', seeds: [], window: { lo: 0, hi: 50 } },
    );
    expect([...r.labels]).toEqual([...truth[0]!]);
    const both = simpleDraft(v, DIMS, SPACING, HU, {
      method: 'window',
      seeds: [[30, 28, 6]],
      window: { lo: 0, hi: 100 },
    });
    expect([...both.labels]).toEqual([...truth[1]!]);
  });

  it('values are physical: stored values through slope and intercept', () => {
    const stored = Int16Array.from(v, (x) => x + 1024);
    const r = simpleDraft(
      stored,
      DIMS,
      SPACING,
      { slope: 1, intercept: -1024 },
      { method: 'window', seeds: [], window: { lo: 0, hi: 50 } },
    );
    expect(r.foregroundVoxels).toBe(400);
  });

  it('bad input: a seed outside the volume, watershed without seeds, a window without its range', () => {
    expect(() => simpleDraft(v, DIMS, SPACING, HU, { method: 'otsu', seeds: [[40, 0, 0]] })).toThrow(
      'seed 40,0,0 lies outside the 40×40×12 volume',
    );
    expect(() => simpleDraft(v, DIMS, SPACING, HU, { method: 'watershed', seeds: [] })).toThrow(
      /watershed needs at least one seed/,
    );
    expect(() => simpleDraft(v, DIMS, SPACING, HU, { method: 'window', seeds: [] })).toThrow(/lo <= hi/);
  });
});
