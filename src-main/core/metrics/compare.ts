// Every metric between raters' masks on one grid, per label: the computation behind `concord compare`,
// the comparison matrix and the worker. Definitions live next to each metric (dice.ts, volume.ts,
// surface-distance.ts, kappa.ts); this file only decides which labels and regions, and in which order.
//
// Labels: `label` given -> that label only; omitted -> every non-zero value found in any mask, ascending.
// Kappa: each pair's Cohen's kappa is binary for the pair's label, counted over that label's region (the
// bounding box of the label in ALL the raters' masks, grown by kappaMarginMm), so every pair of one label is
// counted over the same voxels; Fleiss' kappa over all raters is binary for `label` when one is given, and
// otherwise takes every value as a category, over the region of every non-zero voxel.
import { checkpoint, subControl, type ComputeControl } from '../compute/control';
import { InputError } from '../errors';
import { dice, jaccard } from './dice';
import type { MaskGrid } from './grid';
import { checkMaskLength } from './grid';
import { cohenKappa, fleissKappa, unionRegion, type KappaRegion, type KappaResult } from './kappa';
import { overlapCounts } from './overlap-counts';
import { distanceMetrics, type EmptyReason } from './surface-distance';
import { compareVolumes } from './volume';

export interface CompareOptions {
  label?: number;
  /** τ for surface Dice, mm; default 1. */
  toleranceMm?: number;
  /** Margin of the kappa regions, mm; default 5. */
  kappaMarginMm?: number;
}

export interface PairMetrics {
  /** Indices of the two masks in the input order. */
  a: number;
  b: number;
  label: number;
  dice: number;
  jaccard: number;
  volumeA_ml: number;
  volumeB_ml: number;
  volumeDifferenceMl: number;
  absVolumeDifferenceMl: number;
  volumeDifferencePercent: number | null;
  volumeSimilarity: number | null;
  hausdorff: number | null;
  averageHausdorff: number | null;
  hd95: number | null;
  assd: number | null;
  surfaceDice: number | null;
  toleranceMm: number;
  /** Why the distances are null, when they are. */
  distanceReason: EmptyReason | null;
  voxelsA: number;
  voxelsB: number;
  voxelsBoth: number;
  boundaryVoxelsA: number;
  boundaryVoxelsB: number;
  cohenKappa: number | null;
  kappaRegion: KappaRegion | null;
}

export interface ComparisonResult {
  labels: number[];
  pairs: PairMetrics[];
  /** Fleiss' kappa over every rater (null with a reason when undefined; absent meaning for one rater). */
  fleiss: KappaResult & { label: number | null };
}

/** All metrics of one pair for one label. `kappaRegion` omitted: the pair's own union box + margin. */
export function comparePair(
  a: Uint8Array,
  b: Uint8Array,
  grid: MaskGrid,
  label: number,
  opts: { toleranceMm?: number; kappaMarginMm?: number; kappaRegion?: KappaRegion | null } = {},
  control?: ComputeControl,
): Omit<PairMetrics, 'a' | 'b'> {
  checkMaskLength(a, grid, 'mask A');
  checkMaskLength(b, grid, 'mask B');
  const toleranceMm = opts.toleranceMm ?? 1;
  checkpoint(control, 0, 'overlap');
  const counts = overlapCounts(a, b, grid.dims, label);
  const dist = distanceMetrics(a, b, grid, label, counts, toleranceMm, subControl(control, 0.1, 0.9));
  const region =
    opts.kappaRegion !== undefined
      ? opts.kappaRegion
      : unionRegion([a, b], grid, label, opts.kappaMarginMm ?? 5);
  const kappa = region
    ? cohenKappa(a, b, grid, { label, region: region.box })
    : { kappa: null, region: null };
  checkpoint(control, 1, 'kappa');
  return {
    label,
    dice: dice(counts),
    jaccard: jaccard(counts),
    ...compareVolumes(counts, grid.voxelMl),
    hausdorff: dist.hausdorff,
    averageHausdorff: dist.averageHausdorff,
    hd95: dist.hd95,
    assd: dist.assd,
    surfaceDice: dist.surfaceDice,
    toleranceMm,
    distanceReason: dist.reason,
    voxelsA: counts.a,
    voxelsB: counts.b,
    voxelsBoth: counts.both,
    boundaryVoxelsA: dist.boundaryVoxelsA,
    boundaryVoxelsB: dist.boundaryVoxelsB,
    cohenKappa: kappa.kappa,
    kappaRegion: region ? { ...region } : null,
  };
}

/** Labels present (non-zero) in any mask, ascending. */
export function labelsIn(masks: Uint8Array[]): number[] {
  const seen = new Uint8Array(256);
  for (const m of masks) {
    let last = 0;
    for (let v = 0; v < m.length; v++) {
      const x = m[v]!;
      if (x !== last) {
        seen[x] = 1;
        last = x;
      }
    }
  }
  const out: number[] = [];
  for (let x = 1; x < 256; x++) if (seen[x]) out.push(x);
  return out;
}

export function compareRaters(
  masks: Uint8Array[],
  grid: MaskGrid,
  opts: CompareOptions = {},
  control?: ComputeControl,
): ComparisonResult {
  if (masks.length < 2)
    throw new InputError(undefined, `compare needs at least 2 masks (got ${masks.length})`);
  masks.forEach((m, r) => checkMaskLength(m, grid, `mask ${r}`));
  if (opts.label !== undefined && !(Number.isInteger(opts.label) && opts.label >= 1 && opts.label <= 255)) {
    throw new InputError(undefined, `label must be an integer 1..255 (got ${opts.label})`);
  }
  const labels = opts.label !== undefined ? [opts.label] : labelsIn(masks);
  const margin = opts.kappaMarginMm ?? 5;
  const pairs: PairMetrics[] = [];
  const nPairs = (masks.length * (masks.length - 1)) / 2;
  const steps = labels.length * nPairs + 1;
  let step = 0;
  for (const label of labels) {
    const region = unionRegion(masks, grid, label, margin);
    for (let a = 0; a < masks.length; a++) {
      for (let b = a + 1; b < masks.length; b++) {
        const m = comparePair(
          masks[a]!,
          masks[b]!,
          grid,
          label,
          { toleranceMm: opts.toleranceMm, kappaRegion: region },
          subControl(control, step / steps, (step + 1) / steps),
        );
        step++;
        pairs.push({ a, b, ...m });
      }
    }
  }
  const fleiss = fleissKappa(masks, grid, { label: opts.label, marginMm: margin });
  checkpoint(control, 1, 'compare');
  return { labels, pairs, fleiss: { ...fleiss, label: opts.label ?? null } };
}
