// 3-vectors and row-major 4x4 affines. Element (r, c) of a Mat4 is m[r*4 + c].
// An image affine maps the column (i, j, k, 1) of a voxel index to a world position in mm.

export type Vec3 = [number, number, number];
export type Mat4 = number[]; // length 16, row-major

export function identity4(): Mat4 {
  return [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
}

export function multiply4(a: Mat4, b: Mat4): Mat4 {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += (a[r * 4 + k] ?? 0) * (b[k * 4 + c] ?? 0);
      out[r * 4 + c] = s;
    }
  }
  return out;
}

/** Applies the affine to a point (homogeneous w = 1). */
export function transformPoint(m: Mat4, p: Vec3): Vec3 {
  const x = p[0];
  const y = p[1];
  const z = p[2];
  return [
    m[0]! * x + m[1]! * y + m[2]! * z + m[3]!,
    m[4]! * x + m[5]! * y + m[6]! * z + m[7]!,
    m[8]! * x + m[9]! * y + m[10]! * z + m[11]!,
  ];
}

/** Inverse of an affine (last row 0 0 0 1). Throws when the 3x3 part is singular. */
export function invertAffine(m: Mat4): Mat4 {
  const a = m[0]!,
    b = m[1]!,
    c = m[2]!;
  const d = m[4]!,
    e = m[5]!,
    f = m[6]!;
  const g = m[8]!,
    h = m[9]!,
    i = m[10]!;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error('affine is singular');
  const inv = [
    A / det,
    -(b * i - c * h) / det,
    (b * f - c * e) / det,
    B / det,
    (a * i - c * g) / det,
    -(a * f - c * d) / det,
    C / det,
    -(a * h - b * g) / det,
    (a * e - b * d) / det,
  ] as const;
  const tx = m[3]!,
    ty = m[7]!,
    tz = m[11]!;
  return [
    inv[0],
    inv[1],
    inv[2],
    -(inv[0] * tx + inv[1] * ty + inv[2] * tz),
    inv[3],
    inv[4],
    inv[5],
    -(inv[3] * tx + inv[4] * ty + inv[5] * tz),
    inv[6],
    inv[7],
    inv[8],
    -(inv[6] * tx + inv[7] * ty + inv[8] * tz),
    0,
    0,
    0,
    1,
  ];
}

/** Column c (0..2) of the 3x3 part: the world step in mm of one voxel along axis c. */
export function axisVector(m: Mat4, c: 0 | 1 | 2): Vec3 {
  return [m[c]!, m[4 + c]!, m[8 + c]!];
}

export function norm(v: Vec3): number {
  return Math.hypot(v[0], v[1], v[2]);
}

/** Voxel spacing in mm along i, j, k: the lengths of the affine's columns. */
export function spacingOf(m: Mat4): Vec3 {
  return [norm(axisVector(m, 0)), norm(axisVector(m, 1)), norm(axisVector(m, 2))];
}

/** Unit direction cosines of i, j, k (column-wise), as three vectors. */
export function directionsOf(m: Mat4): [Vec3, Vec3, Vec3] {
  const unit = (v: Vec3): Vec3 => {
    const n = norm(v) || 1;
    return [v[0] / n, v[1] / n, v[2] / n];
  };
  return [unit(axisVector(m, 0)), unit(axisVector(m, 1)), unit(axisVector(m, 2))];
}

/** World position (mm) of voxel (0, 0, 0)'s centre. */
export function originOf(m: Mat4): Vec3 {
  return [m[3]!, m[7]!, m[11]!];
}

/** RAS <-> LPS: negate the first two world rows (the flip is its own inverse). */
export function flipRasLps(m: Mat4): Mat4 {
  const out = m.slice();
  for (let c = 0; c < 4; c++) {
    out[c] = -m[c]!;
    out[4 + c] = -m[4 + c]!;
  }
  return out;
}

/** Builds the affine from directions (unit columns), spacing (mm) and origin (mm). */
export function composeAffine(directions: [Vec3, Vec3, Vec3], spacing: Vec3, origin: Vec3): Mat4 {
  const m = identity4();
  for (let c = 0; c < 3; c++) {
    const d = directions[c]!;
    const s = spacing[c]!;
    m[c] = d[0] * s;
    m[4 + c] = d[1] * s;
    m[8 + c] = d[2] * s;
  }
  m[3] = origin[0];
  m[7] = origin[1];
  m[11] = origin[2];
  return m;
}

/** Rows of the affine as four arrays of four numbers (the JSON shape of `concord info`). */
export function affineRows(m: Mat4): number[][] {
  return [m.slice(0, 4), m.slice(4, 8), m.slice(8, 12), m.slice(12, 16)];
}
