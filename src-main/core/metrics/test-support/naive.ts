// Test helpers: masks built in code and brute-force implementations of the metric definitions, written
// independently of the fast code (no distance transform, no cropping): every pair of voxel centres.
import type { Vec3 } from '../../geometry/affine';

export function mask(
  dims: Vec3,
  inside: (i: number, j: number, k: number) => boolean,
  label = 1,
): Uint8Array {
  const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++)
        if (inside(i, j, k)) m[i + j * dims[0] + k * dims[0] * dims[1]] = label;
  return m;
}

/** A deterministic pseudo-random generator (mulberry32), so failures reproduce. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A blob: voxels within a perturbed ellipsoid around `centre` (radii in voxels). */
export function blob(
  dims: Vec3,
  centre: Vec3,
  radii: Vec3,
  rnd: () => number,
  label = 1,
  noise = 0.15,
): Uint8Array {
  return mask(
    dims,
    (i, j, k) => {
      const r =
        ((i - centre[0]) / radii[0]) ** 2 +
        ((j - centre[1]) / radii[1]) ** 2 +
        ((k - centre[2]) / radii[2]) ** 2;
      return r <= 1 + noise * (rnd() - 0.5) * 2;
    },
    label,
  );
}

interface Point {
  i: number;
  j: number;
  k: number;
}

function points(m: Uint8Array, dims: Vec3, label: number, edgeOnly: boolean): Point[] {
  const [nx, ny, nz] = dims;
  const at = (i: number, j: number, k: number) =>
    i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz && m[i + j * nx + k * nx * ny] === label;
  const out: Point[] = [];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (!at(i, j, k)) continue;
        const edge =
          !at(i - 1, j, k) ||
          !at(i + 1, j, k) ||
          !at(i, j - 1, k) ||
          !at(i, j + 1, k) ||
          !at(i, j, k - 1) ||
          !at(i, j, k + 1);
        if (!edgeOnly || edge) out.push({ i, j, k });
      }
  return out;
}

function nearest(p: Point, set: Point[], s: Vec3): number {
  let best = Infinity;
  for (const q of set) {
    const d = ((p.i - q.i) * s[0]) ** 2 + ((p.j - q.j) * s[1]) ** 2 + ((p.k - q.k) * s[2]) ** 2;
    if (d < best) best = d;
  }
  return Math.sqrt(best);
}

export function naivePercentile(values: number[], q: number): number {
  const v = [...values].sort((x, y) => x - y);
  const h = ((v.length - 1) * q) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(v.length - 1, lo + 1);
  return v[lo]! + (h - lo) * (v[hi]! - v[lo]!);
}

/** The definitions of surface-distance.ts, by brute force. */
export function naiveDistances(
  a: Uint8Array,
  b: Uint8Array,
  dims: Vec3,
  spacing: Vec3,
  label: number,
  tol: number,
) {
  const A = points(a, dims, label, false);
  const B = points(b, dims, label, false);
  const eA = points(a, dims, label, true);
  const eB = points(b, dims, label, true);
  const allAB = A.map((p) => nearest(p, B, spacing));
  const allBA = B.map((p) => nearest(p, A, spacing));
  const edgeAB = eA.map((p) => nearest(p, eB, spacing));
  const edgeBA = eB.map((p) => nearest(p, eA, spacing));
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const pooled = [...edgeAB, ...edgeBA];
  return {
    hausdorff: Math.max(...allAB, ...allBA),
    averageHausdorff: (mean(allAB) + mean(allBA)) / 2,
    hd95: Math.max(naivePercentile(edgeAB, 95), naivePercentile(edgeBA, 95)),
    assd: mean(pooled),
    surfaceDice: pooled.filter((d) => d <= tol + 1e-9).length / pooled.length,
    boundaryVoxelsA: eA.length,
    boundaryVoxelsB: eB.length,
    allAB,
    allBA,
  };
}
