// Chance-corrected agreement between raters, counted voxel by voxel over a stated region.
//
// Kappa depends on how much background is counted (a whole CT of agreed background drives it towards the
// Dice), so it is only meaningful with its region: by default the bounding box of every voxel any rater
// gave the label (or, with no label, any non-zero value), grown by `marginMm` (default 5 mm) on every side
// and clipped to the image; the region is returned with the result. Categories: with a label, "has the
// label" vs "has not"; without, every value that occurs in the region (0 included) is a category.
//
//   Cohen's kappa (2 raters):  κ = (p_o - p_e) / (1 - p_e), p_o = fraction of voxels where both agree,
//                              p_e = Σ_c p_A(c) p_B(c) from each rater's own category fractions.
//   Fleiss' kappa (N raters):  with n_vc = number of raters putting voxel v in category c, V voxels,
//                              P_v = (Σ_c n_vc^2 - N) / (N (N - 1)),  P̄ = mean_v P_v,
//                              p_c = Σ_v n_vc / (N V),  P_e = Σ_c p_c^2,  κ = (P̄ - P_e) / (1 - P_e).
//   For 2 raters Fleiss' kappa is Scott's pi, not Cohen's kappa (the chance term pools both raters).
//
// Undefined cases give null with a reason: no voxel with the label anywhere ('empty-region'), or every
// voxel of the region in one category for every rater (p_e = 1: 'no-variation').
import type { Vec3 } from '../geometry/affine';
import { InputError } from '../errors';
import { BoxBuilder, boxSize, boxVoxels, growBox, type VoxelBox } from './box';
import type { MaskGrid } from './grid';

export interface KappaRegion {
  box: VoxelBox;
  voxels: number;
  /** The margin the default region was grown by, mm (null for a region given by the caller). */
  marginMm: number | null;
}

export interface KappaResult {
  kappa: number | null;
  reason: 'empty-region' | 'no-variation' | null;
  /** Observed agreement (Cohen: p_o; Fleiss: P̄) and chance agreement (p_e / P_e). */
  observed: number | null;
  chance: number | null;
  region: KappaRegion | null;
}

export interface KappaOptions {
  /** Compare this label (binary categories); omitted: every value is a category. */
  label?: number;
  /** Region to count over; omitted: the union's bounding box grown by marginMm. */
  region?: VoxelBox;
  /** Margin for the default region, mm (default 5). */
  marginMm?: number;
}

/** The default region: bounding box of the label's voxels over all masks, grown by marginMm, clipped. */
export function unionRegion(
  masks: Uint8Array[],
  grid: MaskGrid,
  label: number | undefined,
  marginMm: number,
): KappaRegion | null {
  const [nx, ny, nz] = grid.dims;
  const builder = new BoxBuilder();
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = (k * ny + j) * nx;
      let first = -1;
      let last = -1;
      for (const m of masks) {
        for (let i = 0; i < nx; i++) {
          const x = m[row + i]!;
          if (label === undefined ? x !== 0 : x === label) {
            if (first < 0 || i < first) first = i;
            break;
          }
        }
        for (let i = nx - 1; i >= 0; i--) {
          const x = m[row + i]!;
          if (label === undefined ? x !== 0 : x === label) {
            if (i > last) last = i;
            break;
          }
        }
      }
      if (first >= 0) builder.addRow(first, last, j, k);
    }
  }
  const box = builder.box();
  if (!box) return null;
  const margin: Vec3 = [0, 1, 2].map((a) => Math.ceil(marginMm / grid.spacing[a]! - 1e-9)) as Vec3;
  const grown = growBox(box, margin, grid.dims);
  return { box: grown, voxels: boxVoxels(grown), marginMm };
}

function resolveRegion(masks: Uint8Array[], grid: MaskGrid, opts: KappaOptions): KappaRegion | null {
  if (opts.region) {
    const r = opts.region;
    for (let a = 0; a < 3; a++) {
      if (!(r.min[a]! >= 0 && r.max[a]! < grid.dims[a]! && r.min[a]! <= r.max[a]!)) {
        throw new InputError(
          undefined,
          `kappa region ${JSON.stringify(r)} is not inside the grid ${grid.dims.join('x')}`,
        );
      }
    }
    return { box: r, voxels: boxVoxels(r), marginMm: null };
  }
  const margin = opts.marginMm ?? 5;
  if (!(margin >= 0)) throw new InputError(undefined, `kappa margin must be >= 0 mm (got ${margin})`);
  return unionRegion(masks, grid, opts.label, margin);
}

/** Category counts per voxel: calls visit(categoryOfRater0, categoryOfRater1, ...) via a flat array. */
function forEachRegionVoxel(
  masks: Uint8Array[],
  grid: MaskGrid,
  box: VoxelBox,
  label: number | undefined,
  visit: (cats: Uint8Array) => void,
): void {
  const [nx, ny] = grid.dims;
  const size = boxSize(box);
  const cats = new Uint8Array(masks.length);
  for (let k = 0; k < size[2]; k++) {
    for (let j = 0; j < size[1]; j++) {
      const row = (box.min[2] + k) * nx * ny + (box.min[1] + j) * nx + box.min[0];
      for (let i = 0; i < size[0]; i++) {
        for (let r = 0; r < masks.length; r++) {
          const x = masks[r]![row + i]!;
          cats[r] = label === undefined ? x : x === label ? 1 : 0;
        }
        visit(cats);
      }
    }
  }
}

export function cohenKappa(
  a: Uint8Array,
  b: Uint8Array,
  grid: MaskGrid,
  opts: KappaOptions = {},
): KappaResult {
  const region = resolveRegion([a, b], grid, opts);
  if (!region) return { kappa: null, reason: 'empty-region', observed: null, chance: null, region: null };
  const ca = new Float64Array(256);
  const cb = new Float64Array(256);
  let agree = 0;
  forEachRegionVoxel([a, b], grid, region.box, opts.label, (c) => {
    ca[c[0]!] = ca[c[0]!]! + 1;
    cb[c[1]!] = cb[c[1]!]! + 1;
    if (c[0] === c[1]) agree++;
  });
  const n = region.voxels;
  let pe = 0;
  for (let c = 0; c < 256; c++) pe += (ca[c]! / n) * (cb[c]! / n);
  const po = agree / n;
  if (pe >= 1) return { kappa: null, reason: 'no-variation', observed: po, chance: pe, region };
  return { kappa: (po - pe) / (1 - pe), reason: null, observed: po, chance: pe, region };
}

export function fleissKappa(masks: Uint8Array[], grid: MaskGrid, opts: KappaOptions = {}): KappaResult {
  const raters = masks.length;
  if (raters < 2) throw new InputError(undefined, `Fleiss' kappa needs at least 2 raters (got ${raters})`);
  const region = resolveRegion(masks, grid, opts);
  if (!region) return { kappa: null, reason: 'empty-region', observed: null, chance: null, region: null };
  const total = new Float64Array(256);
  const perVoxel = new Int32Array(256);
  let sumP = 0;
  forEachRegionVoxel(masks, grid, region.box, opts.label, (c) => {
    let sq = 0;
    for (let r = 0; r < raters; r++) {
      const x = c[r]!;
      perVoxel[x] = perVoxel[x]! + 1;
    }
    for (let r = 0; r < raters; r++) {
      const x = c[r]!;
      const n = perVoxel[x]!;
      if (n > 0) {
        sq += n * n;
        total[x] = total[x]! + n;
        perVoxel[x] = 0;
      }
    }
    sumP += (sq - raters) / (raters * (raters - 1));
  });
  const v = region.voxels;
  const pBar = sumP / v;
  let pe = 0;
  for (let c = 0; c < 256; c++) {
    const p = total[c]! / (raters * v);
    pe += p * p;
  }
  if (pe >= 1) return { kappa: null, reason: 'no-variation', observed: pBar, chance: pe, region };
  return { kappa: (pBar - pe) / (1 - pe), reason: null, observed: pBar, chance: pe, region };
}
