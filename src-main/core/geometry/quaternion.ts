// Unit quaternions and 3x3 rotation matrices: pure math, shared by the NIfTI qform (io/nifti) and anyone
// who needs a rotation from or to a quaternion.
//
// Conventions: a quaternion is [a, b, c, d] = [w, x, y, z] (scalar first). A Mat3 is row-major, element (r, c)
// at m[r*3 + c], and acts on column vectors (v' = M v), like the 3x3 part of a Mat4 in affine.ts.

export type Mat3 = number[]; // length 9, row-major
export type Quaternion = [number, number, number, number];

export function det3(m: Mat3): number {
  return (
    m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) -
    m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) +
    m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!)
  );
}

export function transpose3(m: Mat3): Mat3 {
  return [m[0]!, m[3]!, m[6]!, m[1]!, m[4]!, m[7]!, m[2]!, m[5]!, m[8]!];
}

/** Inverse of a 3x3 matrix, or null when it is singular (|det| below 1e-300 or not finite). */
export function invert3(m: Mat3): Mat3 | null {
  const det = det3(m);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-300) return null;
  const [a, b, c, d, e, f, g, h, i] = m as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return [
    (e * i - f * h) / det,
    (c * h - b * i) / det,
    (b * f - c * e) / det,
    (f * g - d * i) / det,
    (a * i - c * g) / det,
    (c * d - a * f) / det,
    (d * h - e * g) / det,
    (b * g - a * h) / det,
    (a * e - b * d) / det,
  ];
}

/**
 * Completes a unit quaternion from its vector part (b, c, d): a = sqrt(1 - b² - c² - d²) >= 0.
 * When 1 - |bcd|² is negative but no lower than -tolerance (rounding of stored values), a is 0.
 * Returns null when |bcd| is clearly above 1 (not the vector part of a unit quaternion).
 * Same rule as nibabel's quaternions.fillpositive (tolerance there: 3 float eps of the stored type).
 */
export function completeQuaternion(b: number, c: number, d: number, tolerance: number): Quaternion | null {
  const w2 = 1 - (b * b + c * c + d * d);
  if (!Number.isFinite(w2)) return null;
  if (w2 < 0) {
    if (w2 < -tolerance) return null;
    return [0, b, c, d];
  }
  return [Math.sqrt(w2), b, c, d];
}

/**
 * Rotation matrix of a quaternion (normalised on the way, so any non-zero quaternion works; a near-zero one
 * gives the identity), as nibabel's quaternions.quat2mat.
 */
export function quaternionToMatrix(q: Quaternion): Mat3 {
  const [w, x, y, z] = q;
  const n = w * w + x * x + y * y + z * z;
  if (n < 2.220446049250313e-16) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const s = 2 / n;
  const X = x * s;
  const Y = y * s;
  const Z = z * s;
  const wX = w * X;
  const wY = w * Y;
  const wZ = w * Z;
  const xX = x * X;
  const xY = x * Y;
  const xZ = x * Z;
  const yY = y * Y;
  const yZ = y * Z;
  const zZ = z * Z;
  return [1 - (yY + zZ), xY - wZ, xZ + wY, xY + wZ, 1 - (xX + zZ), yZ - wX, xZ - wY, yZ + wX, 1 - (xX + yY)];
}

/**
 * Unit quaternion of a proper rotation matrix (orthogonal, det +1), with a >= 0 (q and -q are the same
 * rotation; NIfTI stores only b, c, d and implies a >= 0). Shepperd's method: divides by the largest of the
 * four candidate terms, so it stays accurate near 180-degree rotations.
 */
export function matrixToQuaternion(r: Mat3): Quaternion {
  const [r00, r01, r02, r10, r11, r12, r20, r21, r22] = r as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const trace = r00 + r11 + r22;
  let q: Quaternion;
  if (trace > 0) {
    const s = Math.sqrt(trace + 1) * 2; // 4w
    q = [s / 4, (r21 - r12) / s, (r02 - r20) / s, (r10 - r01) / s];
  } else if (r00 > r11 && r00 > r22) {
    const s = Math.sqrt(1 + r00 - r11 - r22) * 2; // 4x
    q = [(r21 - r12) / s, s / 4, (r01 + r10) / s, (r02 + r20) / s];
  } else if (r11 > r22) {
    const s = Math.sqrt(1 + r11 - r00 - r22) * 2; // 4y
    q = [(r02 - r20) / s, (r01 + r10) / s, s / 4, (r12 + r21) / s];
  } else {
    const s = Math.sqrt(1 + r22 - r00 - r11) * 2; // 4z
    q = [(r10 - r01) / s, (r02 + r20) / s, (r12 + r21) / s, s / 4];
  }
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  const sign = q[0] < 0 ? -1 : 1;
  return [(sign * q[0]) / n, (sign * q[1]) / n, (sign * q[2]) / n, (sign * q[3]) / n];
}

/**
 * The orthogonal matrix closest to m in the Frobenius norm (the orthogonal factor of the polar decomposition
 * m = Q·P, what nibabel gets as U·Vᵀ from an SVD). Its determinant has the sign of det(m). Newton's iteration
 * Q <- (Q + Q⁻ᵀ)/2 converges quadratically for any non-singular m. Returns null when m is singular.
 */
export function nearestOrthogonal(m: Mat3): Mat3 | null {
  let q = m.slice();
  for (let iter = 0; iter < 100; iter++) {
    const inv = invert3(q);
    if (!inv) return null;
    const invT = transpose3(inv);
    let change = 0;
    const next = new Array<number>(9);
    for (let e = 0; e < 9; e++) {
      const value = 0.5 * (q[e]! + invT[e]!);
      change = Math.max(change, Math.abs(value - q[e]!));
      next[e] = value;
    }
    q = next;
    if (change < 1e-14) break;
  }
  return q;
}
