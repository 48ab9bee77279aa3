// NRRD orientation -> Concord's geometry: dims along i, j, k and the row-major IJK -> LPS (mm) affine.
//
// Supported spaces: left-posterior-superior (LPS, taken as is), right-anterior-superior (RAS: x and y
// negated) and left-anterior-superior (LAS: y negated), with 'space directions' (one vector per spatial
// axis, its length the spacing in mm) and 'space origin' (the centre of the first sample, mm). A header
// without a space but with 'spacings' is read as ITK reads it: axes along L, P, S, origin 0. Other spaces
// (scanner-xyz, 3D-right-handed, ...-time) do not name the patient's axes, so they are refused.
import { composeAffine, type Mat4, type Vec3 } from '../../core/geometry/affine';
import { InputError } from '../../core/errors';
import type { NrrdHeader } from './header';

/** Sign of x, y, z that takes a space's coordinates to LPS. */
const TO_LPS: Record<string, Vec3> = {
  'left-posterior-superior': [1, 1, 1],
  'right-anterior-superior': [-1, -1, 1],
  'left-anterior-superior': [1, -1, 1],
};

export const SUPPORTED_SPACES = Object.keys(TO_LPS);

/** Kinds of axes that index positions in space (a null kind, '???', is taken as one when it has a direction). */
const SPATIAL_KINDS = new Set(['domain', 'space', null]);

/** Which axes are spatial: a spatial kind and, when space directions are given, a direction that is not 'none'. */
export function spatialAxes(h: NrrdHeader): number[] {
  const out: number[] = [];
  for (let a = 0; a < h.sizes.length; a++) {
    const kind = h.kinds[a] ?? null;
    const dir = h.spaceDirections?.[a];
    if (h.spaceDirections ? dir !== null && dir !== undefined : SPATIAL_KINDS.has(kind)) out.push(a);
  }
  return out;
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** The geometry of the spatial `axes` (2 or 3 of them; a 2D image gets k = i x j, 1 mm). */
export function nrrdGeometry(file: string, h: NrrdHeader, axes: number[]): { dims: Vec3; affineLPS: Mat4 } {
  const bad = (why: string) => new InputError(file, why);
  if (axes.length < 2 || axes.length > 3) {
    throw bad(`${axes.length} spatial axes: Concord reads 2D and 3D images`);
  }
  const dims: Vec3 = [h.sizes[axes[0]!]!, h.sizes[axes[1]!]!, axes[2] === undefined ? 1 : h.sizes[axes[2]]!];
  if (h.spaceUnits && !h.spaceUnits.every((u) => u === 'mm' || u === '')) {
    throw bad(`space units '${h.spaceUnits.join(' ')}': Concord reads millimetres`);
  }
  let columns: Vec3[];
  let origin: Vec3 = [0, 0, 0];
  if (h.space !== undefined || h.spaceDirections !== undefined) {
    const sign = h.space === undefined ? undefined : TO_LPS[h.space];
    if (!sign) {
      throw bad(
        `space '${h.space ?? '(none, with space directions)'}' is not a patient space Concord reads (${SUPPORTED_SPACES.join(', ')})`,
      );
    }
    if (!h.spaceDirections) throw bad(`bad NRRD header: space '${h.space}' without space directions`);
    const flip = (v: readonly number[]): Vec3 => [v[0]! * sign[0], v[1]! * sign[1], v[2]! * sign[2]];
    columns = axes.map((a) => {
      const d = h.spaceDirections![a];
      if (!d || d.length !== 3 || !d.every(Number.isFinite))
        throw bad(`bad NRRD header: space direction of axis ${a}`);
      return flip(d);
    });
    const o = h.spaceOrigin ?? [0, 0, 0];
    if (o.length !== 3 || !o.every(Number.isFinite))
      throw bad('bad NRRD header: space origin is not 3 finite numbers');
    origin = flip(o);
  } else {
    // No space: axis-aligned, spacings in mm (1 when absent or NaN), origin 0.
    columns = axes.map((a, c) => {
      const s = h.spacings?.[a];
      const v = s !== undefined && Number.isFinite(s) && s !== 0 ? Math.abs(s) : 1;
      const col: Vec3 = [0, 0, 0];
      col[c] = v;
      return col;
    });
  }
  if (columns.length === 2) {
    const k = cross(columns[0]!, columns[1]!);
    const n = Math.hypot(...k);
    if (n === 0) throw bad('bad NRRD header: the two space directions are parallel');
    columns.push([k[0] / n, k[1] / n, k[2] / n]);
  }
  const affine = composeAffine([columns[0]!, columns[1]!, columns[2]!], [1, 1, 1], origin);
  const det =
    affine[0]! * (affine[5]! * affine[10]! - affine[6]! * affine[9]!) -
    affine[1]! * (affine[4]! * affine[10]! - affine[6]! * affine[8]!) +
    affine[2]! * (affine[4]! * affine[9]! - affine[5]! * affine[8]!);
  if (!(Math.abs(det) > 0)) throw bad('bad NRRD header: the space directions are degenerate');
  return { dims, affineLPS: affine };
}

/** Concord's LPS affine -> the NRRD fields of an LPS image (space directions are the affine's columns). */
export function nrrdSpaceFields(affineLPS: Mat4): {
  space: string;
  spaceDirections: number[][];
  spaceOrigin: number[];
} {
  const col = (c: number) => [affineLPS[c]!, affineLPS[4 + c]!, affineLPS[8 + c]!];
  return {
    space: 'left-posterior-superior',
    spaceDirections: [col(0), col(1), col(2)],
    spaceOrigin: [affineLPS[3]!, affineLPS[7]!, affineLPS[11]!],
  };
}
