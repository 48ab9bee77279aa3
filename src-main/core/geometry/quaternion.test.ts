import { describe, expect, it } from 'vitest';
import {
  completeQuaternion,
  det3,
  matrixToQuaternion,
  nearestOrthogonal,
  quaternionToMatrix,
  transpose3,
  type Mat3,
  type Quaternion,
} from './quaternion';

function mul3(a: Mat3, b: Mat3): Mat3 {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c]! += a[r * 3 + k]! * b[k * 3 + c]!;
  return out;
}

function maxDiff(a: readonly number[], b: readonly number[]): number {
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));
}

function rotation(axis: [number, number, number], angle: number): Mat3 {
  const n = Math.hypot(...axis);
  const s = Math.sin(angle / 2) / n;
  return quaternionToMatrix([Math.cos(angle / 2), axis[0] * s, axis[1] * s, axis[2] * s]);
}

describe('quaternions (nibabel quaternions.py doctests as known answers)', () => {
  it('identity and the 180-degree turn about x', () => {
    expect(quaternionToMatrix([1, 0, 0, 0])).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(maxDiff(quaternionToMatrix([0, 1, 0, 0]), [1, 0, 0, 0, -1, 0, 0, 0, -1])).toBe(0);
    expect(matrixToQuaternion([1, 0, 0, 0, 1, 0, 0, 0, 1])).toEqual([1, 0, 0, 0]);
    expect(maxDiff(matrixToQuaternion([1, 0, 0, 0, -1, 0, 0, 0, -1]), [0, 1, 0, 0])).toBeLessThan(1e-15);
  });

  it('fillpositive: w from (x, y, z), 0 at the corner, refused beyond the tolerance', () => {
    expect(completeQuaternion(0, 0, 0, 1e-7)).toEqual([1, 0, 0, 0]);
    expect(completeQuaternion(1, 0, 0, 1e-7)).toEqual([0, 1, 0, 0]);
    expect(completeQuaternion(0.6, 0, 0, 1e-7)![0]).toBeCloseTo(0.8, 15);
    expect(completeQuaternion(1 + 1e-9, 0, 0, 1e-7)).toEqual([0, 1 + 1e-9, 0, 0]);
    expect(completeQuaternion(1.001, 0, 0, 1e-7)).toBeNull();
    expect(completeQuaternion(NaN, 0, 0, 1e-7)).toBeNull();
  });

  it('matrix -> quaternion -> matrix is exact to 1e-15 for rotations of every kind, with a >= 0', () => {
    const cases: Mat3[] = [
      rotation([1, 2, 3], 0.3),
      rotation([0, 0, 1], Math.PI), // trace = -1: the w ~ 0 branch
      rotation([1, 1, 0], Math.PI - 1e-9),
      rotation([0, 1, 0], Math.PI / 2),
      rotation([-3, 1, 0.5], 2.5),
      [0, 0, 1, -1, 0, 0, 0, -1, 0], // a permutation with signs (det +1)
    ];
    for (const r of cases) {
      const q = matrixToQuaternion(r);
      expect(q[0]).toBeGreaterThanOrEqual(0);
      expect(Math.hypot(...q)).toBeCloseTo(1, 15);
      expect(maxDiff(quaternionToMatrix(q), r)).toBeLessThan(1e-14);
    }
  });

  it('a quaternion and its negative give the same matrix', () => {
    const q: Quaternion = [0.5, -0.5, 0.5, 0.5];
    expect(maxDiff(quaternionToMatrix(q), quaternionToMatrix([-0.5, 0.5, -0.5, -0.5]))).toBe(0);
  });
});

describe('nearestOrthogonal (polar decomposition)', () => {
  it('leaves an orthogonal matrix unchanged', () => {
    const r = rotation([1, -2, 0.5], 1.1);
    expect(maxDiff(nearestOrthogonal(r)!, r)).toBeLessThan(1e-15);
  });

  it('removes shear: the result is orthogonal and symmetric-factor positive (Q^T M symmetric)', () => {
    const m: Mat3 = [1, 0.2, 0.05, 0.01, 1.1, -0.3, -0.02, 0.1, 0.9];
    const q = nearestOrthogonal(m)!;
    expect(maxDiff(mul3(transpose3(q), q), [1, 0, 0, 0, 1, 0, 0, 0, 1])).toBeLessThan(1e-14);
    const p = mul3(transpose3(q), m); // the symmetric factor of m = Q P
    expect(maxDiff(p, transpose3(p))).toBeLessThan(1e-14);
    expect(det3(q)).toBeCloseTo(1, 14);
  });

  it('matches numpy SVD U·Vᵀ on a fixed matrix (nibabel set_qform on a sheared affine)', () => {
    // numpy 1.24: P, S, Qs = np.linalg.svd(M); P @ Qs for M = [[1, .2, .05], [.01, 1.1, -.3], [-.02, .1, .9]]
    const expected = [
      0.9946293, 0.0944263, 0.0423812, -0.0841917, 0.9763027, -0.1993608, -0.0602018, 0.194722, 0.9790092,
    ];
    expect(
      maxDiff(nearestOrthogonal([1, 0.2, 0.05, 0.01, 1.1, -0.3, -0.02, 0.1, 0.9])!, expected),
    ).toBeLessThan(5e-7);
  });

  it('keeps a negative determinant negative, and refuses a singular matrix', () => {
    expect(det3(nearestOrthogonal([-1, 0.1, 0, 0, 1, 0, 0, 0, 1])!)).toBeCloseTo(-1, 14);
    expect(nearestOrthogonal([1, 0, 0, 0, 1, 0, 0, 0, 0])).toBeNull();
  });
});
