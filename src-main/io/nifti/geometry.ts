// Voxel-to-world affine from a header, and back, following nibabel (5.0) so that Concord and nibabel place
// every voxel at the same point:
//  - NIfTI (Nifti1Header.get_best_affine): the sform when sform_code is a valid non-zero code (1..5), else the
//    qform when qform_code is, else get_base_affine: diag(-dx, dy, dz) centred on the middle voxel.
//  - Analyze (Spm2AnalyzeImage, what nibabel picks for a .hdr without NIfTI magic): diag(-dx, dy, dz) with
//    the translation from SPM's origin field when it is set and plausible, else centred (get_origin_affine).
//    nibabel also reads an SPM `.mat` sidecar; Concord refuses such pairs (see files.ts).
// Before use, pixdim[1..3] are fixed as nibabel's header checks do: 0 -> 1, negative -> absolute value; and a
// qfac (pixdim[0]) other than -1 or 1 reads as 1; codes outside 0..5 read as 0.
//
// All affines here are NIfTI's: row-major 4x4 mapping (i, j, k, 1) to RAS millimetres (+x towards the
// patient's Right, +y Anterior, +z Superior).
// Conversion to Concord's LPS happens once, in read.ts, with flipRasLps.

import type { Mat4, Vec3 } from '../../core/geometry/affine';
import {
  completeQuaternion,
  det3,
  matrixToQuaternion,
  nearestOrthogonal,
  quaternionToMatrix,
  type Mat3,
} from '../../core/geometry/quaternion';
import type { RawHeader } from './header';

export type AffineSource = 'sform' | 'qform' | 'base' | 'spm-origin';

export type AffineResult = { ok: true; affine: Mat4; source: AffineSource } | { ok: false; reason: string };

const FLOAT32_EPS = 2 ** -23;
const FLOAT64_EPS = 2 ** -52;
/** Below this |det| the 3x3 part is taken as singular (same bound as core/geometry/affine.ts invertAffine). */
const MIN_DET = 1e-12;

/** A transform code as nibabel keeps it: 1..5 are the defined codes; anything else means "unknown" (0). */
export function effectiveCode(code: number): number {
  return Number.isInteger(code) && code >= 1 && code <= 5 ? code : 0;
}

/** pixdim[1..3] after nibabel's fixes (0 -> 1, negative -> abs). */
export function voxelSize(h: RawHeader): Vec3 {
  const fix = (d: number): number => (d === 0 ? 1 : Math.abs(d));
  return [fix(h.pixdim[1]!), fix(h.pixdim[2]!), fix(h.pixdim[3]!)];
}

export function qfacOf(h: RawHeader): 1 | -1 {
  return h.pixdim[0] === -1 ? -1 : 1;
}

/** The best available affine (RAS), or the reason it cannot be used. */
export function bestAffineRAS(h: RawHeader): AffineResult {
  let result: AffineResult;
  if (h.format === 'analyze') {
    result = { ok: true, affine: spmOriginAffine(h), source: 'spm-origin' };
  } else if (effectiveCode(h.sformCode) !== 0) {
    result = { ok: true, affine: [...h.srow, 0, 0, 0, 1], source: 'sform' };
  } else if (effectiveCode(h.qformCode) !== 0) {
    result = qformAffine(h);
  } else {
    result = { ok: true, affine: baseAffine(h), source: 'base' };
  }
  if (!result.ok) return result;
  const { affine, source } = result;
  if (!affine.every(Number.isFinite)) {
    return { ok: false, reason: `the ${source} affine has non-finite values` };
  }
  const m3: Mat3 = [
    affine[0]!,
    affine[1]!,
    affine[2]!,
    affine[4]!,
    affine[5]!,
    affine[6]!,
    affine[8]!,
    affine[9]!,
    affine[10]!,
  ];
  if (Math.abs(det3(m3)) < MIN_DET) {
    return {
      ok: false,
      reason: `the ${source} affine is singular (voxel axes of zero length or not independent)`,
    };
  }
  return result;
}

/** nibabel Nifti1Header.get_qform: R(quaternion) · diag(dx, dy, qfac*dz), translation qoffset. */
export function qformAffine(h: RawHeader): AffineResult {
  const tolerance = 3 * (h.format === 'nifti2' ? FLOAT64_EPS : FLOAT32_EPS);
  const [b, c, d] = h.quatern;
  const q = completeQuaternion(b, c, d, tolerance);
  if (!q) {
    return {
      ok: false,
      reason: `the qform quaternion (b, c, d) = (${b}, ${c}, ${d}) is not part of a unit quaternion`,
    };
  }
  const r = quaternionToMatrix(q);
  const [dx, dy, dz] = voxelSize(h);
  const s: Vec3 = [dx, dy, qfacOf(h) * dz];
  const [ox, oy, oz] = h.qoffset;
  return {
    ok: true,
    source: 'qform',
    affine: [
      r[0]! * s[0],
      r[1]! * s[1],
      r[2]! * s[2],
      ox,
      r[3]! * s[0],
      r[4]! * s[1],
      r[5]! * s[2],
      oy,
      r[6]! * s[0],
      r[7]! * s[1],
      r[8]! * s[2],
      oz,
      0,
      0,
      0,
      1,
    ],
  };
}

/** Grid sizes along i, j, k (missing dimensions count as 1), as nibabel's shape_zoom_affine pads them. */
function gridSize(h: RawHeader): Vec3 {
  const ndim = h.dim[0]!;
  const at = (i: number): number => (i <= ndim ? h.dim[i]! : 1);
  return [at(1), at(2), at(3)];
}

/** Zooms along i, j, k for the fallback affines: voxel sizes, 1 beyond ndim (shape_zoom_affine). */
function baseZooms(h: RawHeader): Vec3 {
  const ndim = h.dim[0]!;
  const size = voxelSize(h);
  return [ndim >= 1 ? size[0] : 1, ndim >= 2 ? size[1] : 1, ndim >= 3 ? size[2] : 1];
}

function diagonalAffine(zooms: Vec3, centre: Vec3): Mat4 {
  const z: Vec3 = [-zooms[0], zooms[1], zooms[2]]; // x flipped: nibabel's default_x_flip (radiological)
  return [
    z[0],
    0,
    0,
    -centre[0] * z[0],
    0,
    z[1],
    0,
    -centre[1] * z[1],
    0,
    0,
    z[2],
    -centre[2] * z[2],
    0,
    0,
    0,
    1,
  ];
}

/** nibabel AnalyzeHeader.get_base_affine (used by NIfTI when both codes are 0): centred on (shape-1)/2. */
export function baseAffine(h: RawHeader): Mat4 {
  const n = gridSize(h);
  return diagonalAffine(baseZooms(h), [(n[0] - 1) / 2, (n[1] - 1) / 2, (n[2] - 1) / 2]);
}

/** nibabel Spm99AnalyzeHeader.get_origin_affine: SPM origin (1-based) when set and within (-dim, 2*dim). */
export function spmOriginAffine(h: RawHeader): Mat4 {
  const n = gridSize(h);
  const o = h.spmOrigin;
  const set = o.some((x) => x !== 0);
  const plausible = o.every((x, i) => x > -n[i]! && x < 2 * n[i]!);
  const centre: Vec3 =
    set && plausible ? [o[0] - 1, o[1] - 1, o[2] - 1] : [(n[0] - 1) / 2, (n[1] - 1) / 2, (n[2] - 1) / 2];
  const size = voxelSize(h);
  return diagonalAffine(size, centre);
}

export interface QformFields {
  quatern: Vec3;
  qoffset: Vec3;
  qfac: 1 | -1;
  /** Column norms of the affine: voxel size along i, j, k (mm). */
  pixdim: Vec3;
}

/**
 * qform fields for an affine (RAS), as nibabel's set_qform(strip_shears=True): zooms are the column lengths,
 * qfac = -1 when the axes are left-handed (then the k column is negated), and the rotation is the orthogonal
 * matrix nearest to the normalised 3x3 part, so an affine with shear gets its closest qform (the sform keeps
 * the exact affine). Returns null for a singular affine.
 */
export function qformFromAffine(a: Mat4): QformFields | null {
  const cols: Vec3[] = [0, 1, 2].map((c) => [a[c]!, a[4 + c]!, a[8 + c]!] as Vec3);
  const zooms = cols.map((v) => Math.hypot(v[0], v[1], v[2])) as Vec3;
  if (!zooms.every((z) => z > 0 && Number.isFinite(z))) return null;
  const r: Mat3 = new Array<number>(9);
  for (let row = 0; row < 3; row++) {
    for (let c = 0; c < 3; c++) r[row * 3 + c] = cols[c]![row]! / zooms[c]!;
  }
  const det = det3(r);
  if (!(Math.abs(det) > 1e-9)) return null;
  const qfac: 1 | -1 = det > 0 ? 1 : -1;
  if (qfac < 0) for (let row = 0; row < 3; row++) r[row * 3 + 2] = -r[row * 3 + 2]!;
  const rot = nearestOrthogonal(r);
  if (!rot) return null;
  const q = matrixToQuaternion(rot);
  return { quatern: [q[1], q[2], q[3]], qoffset: [a[3]!, a[7]!, a[11]!], qfac, pixdim: zooms };
}
