// Distance metrics between two masks for one label, in mm, all exact Euclidean distances between voxel
// centres on the (anisotropic) grid. Definitions, with A and B the label's voxels and ∂A, ∂B their boundary
// voxels (foreground with a face-neighbour in the background, outside the image counting as background):
//
//   hausdorff  Symmetric Hausdorff distance over ALL foreground voxel centres, as ITK's
//              HausdorffDistanceImageFilter: max( max_{a∈A} d(a, B), max_{b∈B} d(b, A) ),
//              with d(x, S) = 0 for x in S.
//   averageHausdorff  ITK's AverageHausdorffDistance: ( mean_{a∈A} d(a, B) + mean_{b∈B} d(b, A) ) / 2.
//   hd95       The larger of the two directed 95th percentiles of boundary distances:
//              max( P95{ d(a, ∂B) : a ∈ ∂A }, P95{ d(b, ∂A) : b ∈ ∂B } ), percentiles as numpy's default
//              (linear interpolation between order statistics).
//   assd       Average symmetric surface distance: the mean of both directions' boundary distances pooled,
//              ( Σ_{a∈∂A} d(a, ∂B) + Σ_{b∈∂B} d(b, ∂A) ) / ( |∂A| + |∂B| ).
//   surfaceDice  Fraction of boundary voxels of either mask within τ mm of the other's boundary:
//              ( #{a∈∂A : d(a,∂B) ≤ τ} + #{b∈∂B : d(b,∂A) ≤ τ} ) / ( |∂A| + |∂B| ), with d ≤ τ + 1e-9 mm
//              so that a distance equal to τ up to rounding counts as within.
//
// Empty masks: both empty -> surfaceDice 1 (no surface to disagree), every distance null, reason
// 'both-empty'; one empty -> surfaceDice 0, every distance null, reason 'one-empty' (a distance to nothing
// is undefined; ITK throws "pixelcount is equal to 0").
//
// How: for x outside B the nearest voxel of B is always a boundary voxel of B (one step from it towards x
// leaves B), so d(x, B) = d(x, ∂B) there, and one exact distance transform to ∂B serves both the
// all-voxel Hausdorff from A and the boundary distances from ∂A; a second one to ∂A serves the other
// direction. Both run on the bounding box of A ∪ B only (every foreground voxel and every nearest voxel
// lies inside it). Memory: 5 bytes per voxel of that box (1 of flags, 4 of the transform's intermediate,
// shared by both directions) plus 8 bytes per boundary voxel.
import { checkpoint, subControl, type ComputeControl } from '../compute/control';
import { InputError } from '../errors';
import { cropPair, EDGE_A, EDGE_B, IN_A, IN_B } from './boundary';
import { visitSquaredDistances } from './edt';
import type { MaskGrid } from './grid';
import type { OverlapCounts } from './overlap-counts';
import { percentileLinear } from './percentile';

export type EmptyReason = 'both-empty' | 'one-empty';

export interface DistanceMetrics {
  hausdorff: number | null;
  averageHausdorff: number | null;
  hd95: number | null;
  assd: number | null;
  surfaceDice: number | null;
  /** The τ surfaceDice was computed with, in mm. */
  toleranceMm: number;
  /** Directed values, A to B and B to A (null when undefined). */
  directed: {
    hausdorffAB: number | null;
    hausdorffBA: number | null;
    hd95AB: number | null;
    hd95BA: number | null;
  };
  /** Boundary voxel counts |∂A|, |∂B|. */
  boundaryVoxelsA: number;
  boundaryVoxelsB: number;
  /** Why the distances are null, when they are. */
  reason: EmptyReason | null;
}

/** Distances from one mask's voxels to the other's, gathered by one distance transform. */
interface Directed {
  maxAll: number;
  sumAll: number;
  /** d(x, ∂other) for every boundary voxel x, mm. */
  edge: Float64Array;
}

function directed(
  bits: Uint8Array,
  dims: [number, number, number],
  spacing: [number, number, number],
  fromIn: number,
  fromEdge: number,
  toIn: number,
  toEdge: number,
  edgeCount: number,
  control: ComputeControl | undefined,
  scratch: Uint32Array,
): Directed {
  let maxAll = 0;
  let sumAll = 0;
  const edge = new Float64Array(edgeCount);
  let n = 0;
  visitSquaredDistances(
    bits,
    dims,
    spacing,
    toEdge,
    fromIn,
    (b, d2) => {
      const d = Math.sqrt(d2);
      if (!(b & toIn)) {
        if (d > maxAll) maxAll = d;
        sumAll += d;
      }
      if (b & fromEdge) edge[n++] = d;
    },
    control,
    scratch,
  );
  return { maxAll, sumAll, edge };
}

export function distanceMetrics(
  a: Uint8Array,
  b: Uint8Array,
  grid: MaskGrid,
  label: number,
  counts: OverlapCounts,
  toleranceMm: number,
  control?: ComputeControl,
): DistanceMetrics {
  if (!grid.orthogonal) {
    throw new InputError(
      undefined,
      'distances need orthogonal voxel axes; this grid is sheared (resample it first)',
    );
  }
  if (!(toleranceMm >= 0)) throw new InputError(undefined, `tolerance must be >= 0 mm (got ${toleranceMm})`);
  const empty = (reason: EmptyReason): DistanceMetrics => ({
    hausdorff: null,
    averageHausdorff: null,
    hd95: null,
    assd: null,
    surfaceDice: reason === 'both-empty' ? 1 : 0,
    toleranceMm,
    directed: { hausdorffAB: null, hausdorffBA: null, hd95AB: null, hd95BA: null },
    boundaryVoxelsA: 0,
    boundaryVoxelsB: 0,
    reason,
  });
  if (counts.a === 0 && counts.b === 0) return empty('both-empty');
  if (counts.a === 0 || counts.b === 0 || !counts.unionBox) {
    const r = empty('one-empty');
    return r;
  }
  checkpoint(control, 0, 'boundaries');
  const crop = cropPair(a, b, grid.dims, label, counts.unionBox);
  const scratch = new Uint32Array(crop.bits.length); // the transform's intermediate, shared by both directions
  const ab = directed(
    crop.bits,
    crop.dims,
    grid.spacing,
    IN_A,
    EDGE_A,
    IN_B,
    EDGE_B,
    crop.edgeA,
    subControl(control, 0.05, 0.5),
    scratch,
  );
  const ba = directed(
    crop.bits,
    crop.dims,
    grid.spacing,
    IN_B,
    EDGE_B,
    IN_A,
    EDGE_A,
    crop.edgeB,
    subControl(control, 0.5, 0.95),
    scratch,
  );

  const tol = toleranceMm + 1e-9;
  let within = 0;
  let sumEdge = 0;
  for (const d of ab.edge) {
    sumEdge += d;
    if (d <= tol) within++;
  }
  for (const d of ba.edge) {
    sumEdge += d;
    if (d <= tol) within++;
  }
  const edges = crop.edgeA + crop.edgeB;
  const hd95AB = percentileLinear(ab.edge, 95);
  const hd95BA = percentileLinear(ba.edge, 95);
  checkpoint(control, 1, 'distances');
  return {
    hausdorff: Math.max(ab.maxAll, ba.maxAll),
    averageHausdorff: (ab.sumAll / counts.a + ba.sumAll / counts.b) / 2,
    hd95: Math.max(hd95AB, hd95BA),
    assd: sumEdge / edges,
    surfaceDice: within / edges,
    toleranceMm,
    directed: { hausdorffAB: ab.maxAll, hausdorffBA: ba.maxAll, hd95AB, hd95BA },
    boundaryVoxelsA: crop.edgeA,
    boundaryVoxelsB: crop.edgeB,
    reason: null,
  };
}

export interface DirectedDistances {
  /** d(a, B) for every voxel a of A (0 inside B), mm, in no particular order. */
  allAB: Float64Array;
  allBA: Float64Array;
  /** d(a, ∂B) for every boundary voxel a of A, mm. */
  edgeAB: Float64Array;
  edgeBA: Float64Array;
}

/**
 * Every directed distance, for histograms and for checking against tools that summarise them differently
 * (plastimatch's percentile rule). Memory: 8 bytes per foreground and per boundary voxel. Null when either
 * mask is empty.
 */
export function directedDistances(
  a: Uint8Array,
  b: Uint8Array,
  grid: MaskGrid,
  label: number,
  counts: OverlapCounts,
): DirectedDistances | null {
  if (!grid.orthogonal) {
    throw new InputError(
      undefined,
      'distances need orthogonal voxel axes; this grid is sheared (resample it first)',
    );
  }
  if (counts.a === 0 || counts.b === 0 || !counts.unionBox) return null;
  const crop = cropPair(a, b, grid.dims, label, counts.unionBox);
  const gather = (
    fromIn: number,
    fromEdge: number,
    toIn: number,
    toEdge: number,
    nAll: number,
    nEdge: number,
  ) => {
    const all = new Float64Array(nAll);
    const edge = new Float64Array(nEdge);
    let i = 0;
    let e = 0;
    visitSquaredDistances(crop.bits, crop.dims, grid.spacing, toEdge, fromIn, (bits, d2) => {
      const d = Math.sqrt(d2);
      all[i++] = bits & toIn ? 0 : d;
      if (bits & fromEdge) edge[e++] = d;
    });
    return { all, edge };
  };
  const ab = gather(IN_A, EDGE_A, IN_B, EDGE_B, counts.a, crop.edgeA);
  const ba = gather(IN_B, EDGE_B, IN_A, EDGE_A, counts.b, crop.edgeB);
  return { allAB: ab.all, allBA: ba.all, edgeAB: ab.edge, edgeBA: ba.edge };
}
