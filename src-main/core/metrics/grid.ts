// The voxel grid masks are compared on: dims and the physical size of a voxel, from the volume's affine.
//
// Index layout as everywhere in Concord: voxel (i, j, k) at i + j*nx + k*nx*ny (i fastest).
// Spacing (mm) is the length of each affine column: the world distance between neighbouring voxel centres
// along i, j and k. Distances between voxel centres are computed in index space scaled by that spacing,
// which is exact only when the voxel axes are orthogonal (every scanner grid; a gantry-tilted CT that was
// not resampled has sheared axes); `orthogonal` says whether they are, and distance metrics refuse otherwise.
import { InputError } from '../errors';
import { axisVector, spacingOf, transformPoint, type Vec3 } from '../geometry/affine';
import type { VolumeGeometry } from '../volume/types';

export interface MaskGrid {
  dims: Vec3;
  /** Centre-to-centre distance of neighbouring voxels along i, j, k, in mm. */
  spacing: Vec3;
  /** Volume of one voxel in mL (|det| of the affine's 3x3 part, mm^3, / 1000). */
  voxelMl: number;
  /** True when the voxel axes are orthogonal (cosine of every pair of axes below 1e-4). */
  orthogonal: boolean;
}

/** Grid from dims and spacing alone (orthogonal axes), as tests and synthetic data build it. */
export function gridFromSpacing(dims: Vec3, spacing: Vec3): MaskGrid {
  return { dims, spacing, voxelMl: (spacing[0] * spacing[1] * spacing[2]) / 1000, orthogonal: true };
}

export function gridOf(geometry: VolumeGeometry): MaskGrid {
  const m = geometry.affineLPS;
  const c = [axisVector(m, 0), axisVector(m, 1), axisVector(m, 2)] as const;
  const spacing = spacingOf(m);
  const det =
    c[0][0] * (c[1][1] * c[2][2] - c[2][1] * c[1][2]) -
    c[1][0] * (c[0][1] * c[2][2] - c[2][1] * c[0][2]) +
    c[2][0] * (c[0][1] * c[1][2] - c[1][1] * c[0][2]);
  const cosine = (a: Vec3, b: Vec3, na: number, nb: number) =>
    Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / (na * nb);
  const orthogonal =
    cosine(c[0], c[1], spacing[0], spacing[1]) < 1e-4 &&
    cosine(c[0], c[2], spacing[0], spacing[2]) < 1e-4 &&
    cosine(c[1], c[2], spacing[1], spacing[2]) < 1e-4;
  return { dims: [...geometry.dims], spacing, voxelMl: Math.abs(det) / 1000, orthogonal };
}

/**
 * Whether two volumes share one grid: the same dims, and the centres of the eight corner voxels within
 * `toleranceMm` (default 1e-3 mm) of each other in world space. Comparing corner positions rather than
 * affine entries bounds the misplacement of every voxel, however many voxels the grid spans.
 */
export function sameGrid(
  a: VolumeGeometry,
  b: VolumeGeometry,
  toleranceMm = 1e-3,
): { same: true } | { same: false; reason: string } {
  if (a.dims.some((n, i) => n !== b.dims[i])) {
    return { same: false, reason: `dims differ (${a.dims.join('x')} vs ${b.dims.join('x')})` };
  }
  let worst = 0;
  for (let corner = 0; corner < 8; corner++) {
    const p: Vec3 = [
      corner & 1 ? a.dims[0] - 1 : 0,
      corner & 2 ? a.dims[1] - 1 : 0,
      corner & 4 ? a.dims[2] - 1 : 0,
    ];
    const pa = transformPoint(a.affineLPS, p);
    const pb = transformPoint(b.affineLPS, p);
    worst = Math.max(worst, Math.hypot(pa[0] - pb[0], pa[1] - pb[1], pa[2] - pb[2]));
  }
  if (!(worst <= toleranceMm)) {
    return {
      same: false,
      reason: `voxel positions differ by up to ${worst.toPrecision(3)} mm (more than ${toleranceMm} mm)`,
    };
  }
  return { same: true };
}

/** Throws InputError when a mask's length does not match the grid. */
export function checkMaskLength(mask: ArrayLike<number>, grid: MaskGrid, what: string): void {
  const n = grid.dims[0] * grid.dims[1] * grid.dims[2];
  if (mask.length !== n) {
    throw new InputError(
      undefined,
      `${what} has ${mask.length} voxels, the grid ${grid.dims.join('x')} has ${n}`,
    );
  }
}
