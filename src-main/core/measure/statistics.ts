// Image statistics inside a measurement: an ellipse on one slice, or each label of a label map. Values are
// physical (stored · slope + intercept: HU for CT, the volume's own units otherwise), accumulated in float64
// with Welford's update (no cancellation on large regions of −1000 HU). SD is the population SD (divisor n),
// as ITK-SNAP and 3D Slicer's segment statistics report. NaN voxels (float images) are left out of the
// statistics; a label's volume still counts them.
//
// Index layout: voxel (i, j, k) is at i + j·nx + k·nx·ny; voxel centres are at integer indices.
import type { Mat4, Vec3 } from '../geometry/affine';
import type { Rescale, VoxelArray } from '../volume/types';
import type { MeasurementShape } from './geometry';
import { ellipseAreaMm2, ellipseInPlane, voxelVolumeMm3 } from './geometry';

export interface RegionStats {
  /** Voxels whose values entered the statistics. */
  count: number;
  mean: number;
  /** Population standard deviation (divisor n). */
  sd: number;
  min: number;
  max: number;
}

export interface EllipseStats extends RegionStats {
  /** Area of the drawn ellipse (mm²), not of the counted voxels. */
  areaMm2: number;
}

export interface LabelStats extends RegionStats {
  label: number;
  /** Voxels holding the label (NaN values included). */
  voxels: number;
  /** voxels × one voxel's volume, in millilitres (1 mL = 1000 mm³). */
  volumeMl: number;
}

/** Running mean / variance / extremes (Welford). */
class Accumulator {
  n = 0;
  mean = 0;
  m2 = 0;
  min = Infinity;
  max = -Infinity;
  add(x: number): void {
    if (x !== x) return;
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }
  result(): RegionStats {
    if (this.n === 0) return { count: 0, mean: NaN, sd: NaN, min: NaN, max: NaN };
    return { count: this.n, mean: this.mean, sd: Math.sqrt(this.m2 / this.n), min: this.min, max: this.max };
  }
}

/**
 * Statistics of the voxels of the ellipse's slice whose centre lies inside the ellipse (on its edge counts):
 * ((a − ca)/ra)² + ((b − cb)/rb)² ≤ 1 over the two in-plane voxel indices a, b. A voxel the outline only
 * clips is left out, as ITK-SNAP and Slicer do; so a small ellipse can hold no voxel (count 0, NaN figures).
 */
export function ellipseStatistics(
  voxels: VoxelArray,
  dims: Vec3,
  rescale: Rescale,
  affine: Mat4,
  shape: MeasurementShape,
): EllipseStats {
  const { axes, centre, radii } = ellipseInPlane(shape);
  const [p, q] = axes;
  const strides: Vec3 = [1, dims[0], dims[0] * dims[1]];
  const acc = new Accumulator();
  // A zero radius is a line: only centres exactly on it count.
  const term = (x: number, c: number, r: number) => (r > 0 ? ((x - c) / r) ** 2 : x === c ? 0 : Infinity);
  const a0 = Math.max(0, Math.ceil(centre[0] - radii[0]));
  const a1 = Math.min(dims[p] - 1, Math.floor(centre[0] + radii[0]));
  const b0 = Math.max(0, Math.ceil(centre[1] - radii[1]));
  const b1 = Math.min(dims[q] - 1, Math.floor(centre[1] + radii[1]));
  const base = shape.slice * strides[shape.axis];
  for (let b = b0; b <= b1; b++) {
    const tb = term(b, centre[1], radii[1]);
    if (tb > 1) continue;
    for (let a = a0; a <= a1; a++) {
      if (tb + term(a, centre[0], radii[0]) > 1) continue;
      acc.add(voxels[base + a * strides[p] + b * strides[q]]! * rescale.slope + rescale.intercept);
    }
  }
  return { ...acc.result(), areaMm2: ellipseAreaMm2(affine, shape) };
}

/** Per label present in the map (1–255, ascending): voxels, volume in mL, statistics of the image inside. */
export function labelStatistics(
  mask: Uint8Array,
  voxels: VoxelArray,
  rescale: Rescale,
  affine: Mat4,
): LabelStats[] {
  const accs = new Map<number, Accumulator>();
  const counts = new Uint32Array(256);
  const n = Math.min(mask.length, voxels.length);
  for (let x = 0; x < n; x++) {
    const l = mask[x]!;
    if (l === 0) continue;
    counts[l]!++;
    let acc = accs.get(l);
    if (!acc) accs.set(l, (acc = new Accumulator()));
    acc.add(voxels[x]! * rescale.slope + rescale.intercept);
  }
  const mm3 = voxelVolumeMm3(affine);
  return [...accs.keys()]
    .sort((a, b) => a - b)
    .map((label) => ({
      label,
      voxels: counts[label]!,
      volumeMl: (counts[label]! * mm3) / 1000,
      ...accs.get(label)!.result(),
    }));
}
