// The geometry of the viewer's measurements: a ruler's length and an ellipse's area in millimetres, from
// points given in continuous voxel indices (voxel centres at integers, i fastest) and the volume's IJK → LPS
// affine. Lengths go through the affine's 3×3 part, so anisotropic spacing, oblique direction cosines and
// shear are all accounted for; nothing assumes the voxel axes are orthogonal or of equal size.
//
// An ellipse is drawn on one slice of one voxel axis (`axis`, the view's through-plane axis) and spans the
// box between two corner points in the other two voxel axes: centre = their midpoint, semi-axes = half their
// differences, in voxel-index units. On screen the views show voxel axes along the screen axes (display.ts),
// so the drawn ellipse is exactly this one.
import type { Mat4, Vec3 } from '../geometry/affine';
import type { MeasurementShape } from '../model/measure';

export type { MeasurementKind, MeasurementShape } from '../model/measure';

/** Column c of the affine's 3×3 part: LPS mm moved by one voxel step along axis c. */
export function axisVector(m: Mat4, c: number): Vec3 {
  return [m[c]!, m[4 + c]!, m[8 + c]!];
}

/** LPS mm moved by the index step d (the affine's linear part applied to a direction). */
export function stepMm(m: Mat4, d: Vec3): Vec3 {
  return [
    m[0]! * d[0] + m[1]! * d[1] + m[2]! * d[2],
    m[4]! * d[0] + m[5]! * d[1] + m[6]! * d[2],
    m[8]! * d[0] + m[9]! * d[1] + m[10]! * d[2],
  ];
}

/** Distance in mm between two continuous voxel-index points. */
export function rulerLengthMm(m: Mat4, a: Vec3, b: Vec3): number {
  const d = stepMm(m, [b[0] - a[0], b[1] - a[1], b[2] - a[2]]);
  return Math.hypot(d[0], d[1], d[2]);
}

/** The two in-plane voxel axes of a slice across `axis`, in increasing order. */
export function inPlaneAxes(axis: 0 | 1 | 2): [0 | 1 | 2, 0 | 1 | 2] {
  return axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
}

/** mm² of one in-plane voxel step square: |a × b| of the two in-plane axis vectors (a parallelogram). */
export function pixelAreaMm2(m: Mat4, axis: 0 | 1 | 2): number {
  const [p, q] = inPlaneAxes(axis);
  const a = axisVector(m, p);
  const b = axisVector(m, q);
  return Math.hypot(a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]);
}

/** The ellipse in its slice's two in-plane voxel axes: centre and semi-axes in voxel-index units. */
export function ellipseInPlane(s: MeasurementShape): {
  axes: [0 | 1 | 2, 0 | 1 | 2];
  centre: [number, number];
  radii: [number, number];
} {
  const axes = inPlaneAxes(s.axis);
  const [a, b] = s.points;
  return {
    axes,
    centre: [(a[axes[0]] + b[axes[0]]) / 2, (a[axes[1]] + b[axes[1]]) / 2],
    radii: [Math.abs(b[axes[0]] - a[axes[0]]) / 2, Math.abs(b[axes[1]] - a[axes[1]]) / 2],
  };
}

/**
 * Area in mm² of the drawn ellipse: π·r₁·r₂ in index units times the area of one in-plane index square
 * (a linear map scales every area by the same factor, so this is exact for oblique and sheared grids too).
 */
export function ellipseAreaMm2(m: Mat4, s: MeasurementShape): number {
  const { radii } = ellipseInPlane(s);
  return Math.PI * radii[0] * radii[1] * pixelAreaMm2(m, s.axis);
}

/** mm³ of one voxel: |det| of the affine's 3×3 part. */
export function voxelVolumeMm3(m: Mat4): number {
  const det =
    m[0]! * (m[5]! * m[10]! - m[6]! * m[9]!) -
    m[1]! * (m[4]! * m[10]! - m[6]! * m[8]!) +
    m[2]! * (m[4]! * m[9]! - m[5]! * m[8]!);
  return Math.abs(det);
}

/** A ruler's length or an ellipse's area, the figure a list shows for it. */
export function shapeSize(m: Mat4, s: MeasurementShape): { lengthMm: number | null; areaMm2: number | null } {
  return s.kind === 'ruler'
    ? { lengthMm: rulerLengthMm(m, s.points[0], s.points[1]), areaMm2: null }
    : { lengthMm: null, areaMm2: ellipseAreaMm2(m, s) };
}

/** Why a shape cannot be kept on a volume of these dims, or null when it can. */
export function shapeProblem(dims: Vec3, s: MeasurementShape): string | null {
  if (![0, 1, 2].includes(s.axis)) return 'a measurement lies on voxel axis 0, 1 or 2';
  if (!Number.isInteger(s.slice) || s.slice < 0 || s.slice >= dims[s.axis])
    return `slice ${s.slice} is outside the volume (1 to ${dims[s.axis]} along that axis)`;
  for (const p of s.points) {
    if (p.length !== 3 || p.some((x) => !Number.isFinite(x)))
      return 'a measurement point is three finite voxel coordinates';
    if (p[s.axis] !== s.slice) return "a measurement's points lie on its slice";
    // Half a voxel beyond the outer centres is still on the image (the voxel's edge).
    for (let c = 0; c < 3; c++)
      if (p[c]! < -0.5 || p[c]! > dims[c]! - 0.5) return 'a measurement point is outside the image';
  }
  return null;
}
