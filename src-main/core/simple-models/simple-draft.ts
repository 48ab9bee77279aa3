// Simple models: one-click drafts without a trained model, to set beside the U-Net's (a team sees from the
// draft outcomes when one is enough).
//
//  watershed  marker-based watershed on the gradient magnitude (optionally smoothed first): the object
//             seeds (the annotator's clicks or painted seeds) flood against background markers: the
//             background seeds and the faces of the region searched (the seeds' bounding box grown by
//             marginMm), so the object is what the object seeds reach before the background does.
//  otsu       Otsu's threshold (scikit-image's) over the region; with seeds, the side of the threshold the
//             seeds lie on and only the connected parts (6-connectivity) holding a seed; without seeds, the
//             bright side over the whole volume.
//  window     a value window [lo, hi] (a CT window in HU, both ends included); with seeds, only the
//             connected parts holding a seed; without, every voxel in the window.
//
// Seeds are voxel indices (i, j, k); values are physical (stored × slope + intercept: HU for CT); spacing
// in mm. Index layout: i + j*nx + k*nx*ny (i fastest). The result is a label map on the whole grid.
import { checkpoint, subControl, type ComputeControl } from '../compute/control';
import { InputError } from '../errors';
import type { Vec3 } from '../geometry/affine';
import type { Rescale, VoxelArray } from '../volume/types';
import { gaussianSmooth, gradientMagnitude } from './gradient';
import { otsuThreshold } from './otsu';
import { markerWatershed } from './watershed';

export const SIMPLE_METHODS = ['watershed', 'otsu', 'window'] as const;
export type SimpleMethod = (typeof SIMPLE_METHODS)[number];

export interface SimpleDraftParams {
  method: SimpleMethod;
  /** Object seeds: voxels inside the structure. */
  seeds: Vec3[];
  /** Background seeds: voxels outside it (watershed: extra markers; ignored by otsu and window). */
  backgroundSeeds?: Vec3[];
  /** window: the physical values kept, both ends included. */
  window?: { lo: number; hi: number };
  /** How far around the object seeds the structure is looked for, in mm (default 30). */
  marginMm?: number;
  /** watershed: a Gaussian's standard deviation before the gradient, in mm (default 0: none). */
  sigmaMm?: number;
  /** The label value written for the object (default 1). */
  label?: number;
}

export interface SimpleDraftResult {
  labels: Uint8Array;
  foregroundVoxels: number;
  /** The region searched, half-open voxel ranges [i0, i1, j0, j1, k0, k1]. */
  box: [number, number, number, number, number, number];
  /** otsu: the threshold found; window: null; watershed: null. */
  threshold: number | null;
}

export const DEFAULT_MARGIN_MM = 30;
// No smoothing by default: on a synthetic disc of radius 4 voxels a Gaussian of 1 mm before the gradient
// widened the ridge and shrank the draft (Dice 0.74 against 1.0 without); CT noise (tens of HU) gives
// gradients far below a lesion's edge (hundreds of HU/mm), so the seeded floods still stop there.
export const DEFAULT_SIGMA_MM = 0;

function checkSeeds(seeds: readonly Vec3[], dims: Vec3, what: string): void {
  for (const s of seeds) {
    if (s.length !== 3 || s.some((x, a) => !Number.isInteger(x) || x < 0 || x >= dims[a]!))
      throw new InputError(undefined, `${what} ${s.join(',')} lies outside the ${dims.join('×')} volume`);
  }
}

/** Refuses what cannot be computed, with one line: seeds off the grid, watershed without a seed, a window
 *  without its range, an unknown method. */
export function checkSimpleDraftParams(dims: Vec3, p: SimpleDraftParams): void {
  if (!(SIMPLE_METHODS as readonly string[]).includes(p.method))
    throw new InputError(
      undefined,
      `the simple methods are ${SIMPLE_METHODS.join(', ')} (got '${p.method}')`,
    );
  checkSeeds(p.seeds, dims, 'seed');
  checkSeeds(p.backgroundSeeds ?? [], dims, 'background seed');
  if (p.method === 'watershed' && p.seeds.length === 0)
    throw new InputError(undefined, 'watershed needs at least one seed inside the structure (a click on it)');
  if (p.method === 'window' && (!p.window || !(p.window.lo <= p.window.hi)))
    throw new InputError(undefined, 'window needs its range: lo <= hi (HU for CT)');
  if (p.marginMm !== undefined && !(p.marginMm > 0))
    throw new InputError(undefined, `the margin must be a positive number of mm (got ${p.marginMm})`);
}

/** Voxels connected (6-connectivity, within the box) to a seed through voxels where `inRegion` holds. */
function seededComponents(inRegion: Uint8Array, dims: Vec3, seeds: number[]): Uint8Array {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const out = new Uint8Array(inRegion.length);
  const stack: number[] = [];
  for (const s of seeds)
    if (inRegion[s] && !out[s]) {
      out[s] = 1;
      stack.push(s);
    }
  while (stack.length) {
    const p = stack.pop()!;
    const i = p % nx;
    const j = Math.floor(p / nx) % ny;
    const k = Math.floor(p / nxy);
    const visit = (q: number) => {
      if (inRegion[q] && !out[q]) {
        out[q] = 1;
        stack.push(q);
      }
    };
    if (i > 0) visit(p - 1);
    if (i < nx - 1) visit(p + 1);
    if (j > 0) visit(p - nx);
    if (j < ny - 1) visit(p + nx);
    if (k > 0) visit(p - nxy);
    if (k < nz - 1) visit(p + nxy);
  }
  return out;
}

export function simpleDraft(
  voxels: VoxelArray | ArrayLike<number>,
  dims: Vec3,
  spacing: Vec3,
  rescale: Rescale,
  p: SimpleDraftParams,
  control?: ComputeControl,
): SimpleDraftResult {
  const [nx, ny, nz] = dims;
  if (voxels.length !== nx * ny * nz) throw new RangeError(`expected ${nx * ny * nz} voxels`);
  checkSimpleDraftParams(dims, p);
  const label = p.label ?? 1;
  const margin = p.marginMm ?? DEFAULT_MARGIN_MM;

  // The region searched: the seeds' bounding box grown by the margin, or the whole volume without seeds.
  const box: SimpleDraftResult['box'] = [0, nx, 0, ny, 0, nz];
  if (p.seeds.length > 0)
    for (let a = 0; a < 3; a++) {
      const grow = Math.ceil(margin / spacing[a]!);
      const lo = Math.min(...p.seeds.map((s) => s[a]!));
      const hi = Math.max(...p.seeds.map((s) => s[a]!));
      box[2 * a] = Math.max(0, lo - grow);
      box[2 * a + 1] = Math.min(dims[a]!, hi + grow + 1);
    }
  const bd: Vec3 = [box[1] - box[0], box[3] - box[2], box[5] - box[4]];
  const bxy = bd[0] * bd[1];
  const local = (s: Vec3) => s[0] - box[0] + (s[1] - box[2]) * bd[0] + (s[2] - box[4]) * bxy;
  const values = new Float32Array(bxy * bd[2]);
  const { slope, intercept } = rescale;
  for (let k = 0; k < bd[2]; k++)
    for (let j = 0; j < bd[1]; j++) {
      const src = box[0] + (box[2] + j) * nx + (box[4] + k) * nx * ny;
      const dst = j * bd[0] + k * bxy;
      for (let i = 0; i < bd[0]; i++) values[dst + i] = voxels[src + i]! * slope + intercept;
    }
  checkpoint(control, 0.1, p.method);
  const seeds = p.seeds.map(local);

  let object: Uint8Array;
  let threshold: number | null = null;
  if (p.method === 'watershed') {
    const surface = gradientMagnitude(
      gaussianSmooth(values, bd, spacing, p.sigmaMm ?? DEFAULT_SIGMA_MM),
      bd,
      spacing,
    );
    checkpoint(control, 0.3, 'gradient');
    const markers = new Uint8Array(values.length);
    // The region's faces are background, on the axes it extends along (a single slice has no k faces).
    for (let k = 0; k < bd[2]; k++)
      for (let j = 0; j < bd[1]; j++)
        for (let i = 0; i < bd[0]; i++) {
          const face =
            (bd[0] > 1 && (i === 0 || i === bd[0] - 1)) ||
            (bd[1] > 1 && (j === 0 || j === bd[1] - 1)) ||
            (bd[2] > 1 && (k === 0 || k === bd[2] - 1));
          if (face) markers[i + j * bd[0] + k * bxy] = 2;
        }
    for (const s of p.backgroundSeeds ?? []) {
      const inside = s.every((x, a) => x >= box[2 * a]! && x < box[2 * a + 1]!);
      if (inside) markers[local(s)] = 2;
    }
    for (const s of seeds) markers[s] = 1;
    const flooded = markerWatershed(surface, bd, markers, subControl(control, 0.3, 0.95));
    object = flooded.map((v) => (v === 1 ? 1 : 0));
  } else {
    let keep: (v: number) => boolean;
    if (p.method === 'otsu') {
      const t = otsuThreshold(values).threshold;
      threshold = t;
      const seedMean = seeds.reduce((s, q) => s + values[q]!, 0) / Math.max(1, seeds.length);
      const bright = seeds.length === 0 || seedMean > t;
      keep = bright ? (v) => v > t : (v) => v <= t;
    } else {
      const { lo, hi } = p.window!;
      keep = (v) => v >= lo && v <= hi;
    }
    const region = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) region[i] = keep(values[i]!) ? 1 : 0;
    object = seeds.length > 0 ? seededComponents(region, bd, seeds) : region;
  }
  checkpoint(control, 0.97, 'writing');

  const labels = new Uint8Array(nx * ny * nz);
  let foregroundVoxels = 0;
  for (let k = 0; k < bd[2]; k++)
    for (let j = 0; j < bd[1]; j++) {
      const dst = box[0] + (box[2] + j) * nx + (box[4] + k) * nx * ny;
      const src = j * bd[0] + k * bxy;
      for (let i = 0; i < bd[0]; i++)
        if (object[src + i]) {
          labels[dst + i] = label;
          foregroundVoxels++;
        }
    }
  checkpoint(control, 1, 'done');
  return { labels, foregroundVoxels, box, threshold };
}
