// Slice geometry of a DICOM stack: slice normal, sorting, spacing checks, and the IJK -> LPS affine.
//
// All positions are LPS millimetres, as written in ImagePositionPatient (never corrected for PatientPosition:
// DICOM coordinates are already patient-based). i = column, j = row, k = sorted slice.
//
// Tolerances (documented here, used in the messages):
//  - two slices are at the same position when their distance along the normal is below DUPLICATE_MM or
//    1% of the typical step;
//  - a slice is missing when a step exceeds GAP_FACTOR x the median step;
//  - spacing is uneven when a slice lies further than max(UNEVEN_MIN_MM, UNEVEN_FRACTION x step) from where
//    an evenly spaced stack (first to last slice) would put it;
//  - slices are sheared (gantry tilt) when an ImagePositionPatient is offset in-plane from the first slice's
//    normal line by more than max(SHEAR_MIN_MM, SHEAR_FRACTION x the smaller pixel spacing).
import type { Mat4, Vec3 } from '../../core/geometry/affine';

export const DUPLICATE_MM = 1e-3;
export const GAP_FACTOR = 1.5;
export const UNEVEN_MIN_MM = 0.01;
export const UNEVEN_FRACTION = 0.01;
export const SHEAR_MIN_MM = 0.01;
export const SHEAR_FRACTION = 0.05;
/** Two ImageOrientationPatient are the same orientation when no component differs by more than this. */
export const ORIENTATION_TOLERANCE = 1e-3;

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function normalise(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / n, v[1] / n, v[2] / n];
}

export function rowDirection(iop: number[]): Vec3 {
  return [iop[0]!, iop[1]!, iop[2]!];
}

export function columnDirection(iop: number[]): Vec3 {
  return [iop[3]!, iop[4]!, iop[5]!];
}

/** Unit slice normal: row direction x column direction (right-handed with i, j). */
export function sliceNormal(iop: number[]): Vec3 {
  return normalise(cross(rowDirection(iop), columnDirection(iop)));
}

export function sameOrientation(a: number[], b: number[]): boolean {
  for (let i = 0; i < 6; i++) if (Math.abs(a[i]! - b[i]!) > ORIENTATION_TOLERANCE) return false;
  return true;
}

/** "z=-105.0" style label: the LPS coordinate along the axis closest to the normal (z for axial slices). */
export function positionLabel(ipp: Vec3, normal: Vec3): string {
  const a = normal.map(Math.abs);
  const axis = a[0]! >= a[1]! && a[0]! >= a[2]! ? 0 : a[1]! >= a[2]! ? 1 : 2;
  return `${'xyz'[axis]}=${round(ipp[axis])}`;
}

function round(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface StackResult {
  /** Signed distance in mm between consecutive sorted slices (k step), when the stack is regular. */
  step?: number;
  /** Blocking problems (missing slice, duplicates, uneven spacing, shear). */
  problems: string[];
}

/**
 * Checks a stack of parallel slices already sorted by their projection on `normal` (ascending).
 * `positions` are the ImagePositionPatient of the sorted slices; `minPixelSpacing` in mm.
 */
export function checkStack(positions: Vec3[], normal: Vec3, minPixelSpacing: number): StackResult {
  const n = positions.length;
  if (n < 2) return { problems: [] };
  const t = positions.map((p) => dot(p, normal));
  const steps = t.slice(1).map((v, s) => v - t[s]!);
  const typical = median(steps);
  const problems: string[] = [];
  const dupTol = Math.max(DUPLICATE_MM, 0.01 * typical);
  const dups = steps.map((d, s) => (d <= dupTol ? s : -1)).filter((s) => s >= 0);
  if (dups.length > 0) {
    const at = positionLabel(positions[dups[0]!]!, normal);
    const distinct = n - dups.length;
    problems.push(
      `${n} slices at only ${distinct} distinct position${distinct === 1 ? '' : 's'} (first duplicate at ${at}): ` +
        'several echoes, phases or time points in one series are not stacked into a volume',
    );
    return { problems };
  }
  const gaps = steps.map((d, s) => (d > GAP_FACTOR * typical ? s : -1)).filter((s) => s >= 0);
  if (gaps.length > 0) {
    const s = gaps[0]!;
    problems.push(
      `missing slice between ${positionLabel(positions[s]!, normal)} and ${positionLabel(positions[s + 1]!, normal)} ` +
        `(gap ${round(steps[s]!)} mm, typical step ${round(typical)} mm` +
        (gaps.length > 1 ? `; ${gaps.length} gaps in all)` : ')'),
    );
    return { problems };
  }
  const step = (t[n - 1]! - t[0]!) / (n - 1);
  const unevenTol = Math.max(UNEVEN_MIN_MM, UNEVEN_FRACTION * step);
  let worst = 0;
  for (let s = 0; s < n; s++) worst = Math.max(worst, Math.abs(t[s]! - (t[0]! + s * step)));
  if (worst > unevenTol) {
    problems.push(
      `uneven slice spacing: steps from ${round(Math.min(...steps))} to ${round(Math.max(...steps))} mm ` +
        `(a slice is ${round(worst)} mm from an even ${round(step)} mm grid; tolerance ${round(unevenTol)} mm)`,
    );
  }
  const shearTol = Math.max(SHEAR_MIN_MM, SHEAR_FRACTION * minPixelSpacing);
  let shear = 0;
  const p0 = positions[0]!;
  for (let s = 1; s < n; s++) {
    const p = positions[s]!;
    const along = t[s]! - t[0]!;
    const off: Vec3 = [
      p[0] - p0[0] - along * normal[0],
      p[1] - p0[1] - along * normal[1],
      p[2] - p0[2] - along * normal[2],
    ];
    shear = Math.max(shear, Math.hypot(off[0], off[1], off[2]));
  }
  if (shear > shearTol) {
    problems.push(
      `slices are offset in-plane by up to ${round(shear)} mm from the slice normal (gantry tilt or sheared ` +
        `acquisition; tolerance ${round(shearTol)} mm): not supported`,
    );
  }
  return problems.length > 0 ? { problems } : { step, problems };
}

/**
 * IJK -> LPS affine (row-major 4x4):
 *   column i = row direction cosine (IOP[0..2]) x column spacing (PixelSpacing[1]),
 *   column j = column direction cosine (IOP[3..5]) x row spacing (PixelSpacing[0]),
 *   column k = unit normal x step (signed so that k follows the sorted order),
 *   origin   = ImagePositionPatient of the first sorted slice.
 */
export function seriesAffine(
  iop: number[],
  pixelSpacing: [number, number],
  normal: Vec3,
  step: number,
  origin: Vec3,
): Mat4 {
  const r = rowDirection(iop);
  const c = columnDirection(iop);
  const [rowSpacing, colSpacing] = pixelSpacing;
  // prettier-ignore
  return [
    r[0] * colSpacing, c[0] * rowSpacing, normal[0] * step, origin[0],
    r[1] * colSpacing, c[1] * rowSpacing, normal[1] * step, origin[1],
    r[2] * colSpacing, c[2] * rowSpacing, normal[2] * step, origin[2],
    0, 0, 0, 1,
  ];
}
