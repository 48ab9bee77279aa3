// Synthetic but realistic raters for `concord bench consensus`: each rater outlines the same organ (label 1,
// an ellipsoid filling about a quarter of each axis' field of view) and a lesion inside it (label 2), with
// their own boundary: a shift of up to 1.5 voxels and smooth lumps of a few percent of the radius (three
// sinusoids of wavelength 30-90 voxels with rater-specific phases), so raters disagree in a band along the
// surface as human raters do, and agree inside and far outside. Deterministic for a given seed.
import type { Vec3 } from '../../core/geometry/affine';

/** mulberry32: small, fast and reproducible. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shape {
  centre: Vec3;
  radii: Vec3;
  /** Relative amplitude of the boundary lumps. */
  lumps: number;
  label: number;
}

function paint(mask: Uint8Array, dims: Vec3, shape: Shape, rnd: () => number): void {
  const [nx, ny, nz] = dims;
  const shift: Vec3 = [(rnd() - 0.5) * 3, (rnd() - 0.5) * 3, (rnd() - 0.5) * 3];
  const c: Vec3 = [shape.centre[0] + shift[0], shape.centre[1] + shift[1], shape.centre[2] + shift[2]];
  const reach = 1 + 3 * shape.lumps;
  const lo = (a: number) => Math.max(0, Math.floor(c[a]! - shape.radii[a]! * reach));
  const hi = (a: number) => Math.min(dims[a]! - 1, Math.ceil(c[a]! + shape.radii[a]! * reach));
  // Per-axis lump profiles (so the inner loop only adds): sin(2π x / λ + φ), λ in 30..90 voxels.
  const profile = (n: number) => {
    const lambda = 30 + rnd() * 60;
    const phase = rnd() * 2 * Math.PI;
    return Float64Array.from(
      { length: n },
      (_, x) => (shape.lumps / 3) * Math.sin((2 * Math.PI * x) / lambda + phase),
    );
  };
  const pi = profile(nx);
  const pj = profile(ny);
  const pk = profile(nz);
  for (let k = lo(2); k <= hi(2); k++) {
    const dz = (k - c[2]) / shape.radii[2];
    for (let j = lo(1); j <= hi(1); j++) {
      const dy = (j - c[1]) / shape.radii[1];
      const row = k * nx * ny + j * nx;
      for (let i = lo(0); i <= hi(0); i++) {
        const dx = (i - c[0]) / shape.radii[0];
        const s = 1 + pi[i]! + pj[j]! + pk[k]!;
        if (dx * dx + dy * dy + dz * dz <= s * s) mask[row + i] = shape.label;
      }
    }
  }
}

export function syntheticRaters(dims: Vec3, raters: number, seed = 1): Uint8Array[] {
  const [nx, ny, nz] = dims;
  const organ: Shape = {
    centre: [0.55 * nx, 0.5 * ny, 0.5 * nz],
    radii: [0.26 * nx, 0.2 * ny, 0.28 * nz],
    lumps: 0.04,
    label: 1,
  };
  const lesion: Shape = {
    centre: [0.6 * nx, 0.45 * ny, 0.55 * nz],
    radii: [0.05 * nx, 0.05 * ny, 0.06 * nz],
    lumps: 0.1,
    label: 2,
  };
  const rnd = generator(seed);
  return Array.from({ length: raters }, () => {
    const m = new Uint8Array(nx * ny * nz);
    paint(m, dims, organ, rnd);
    paint(m, dims, lesion, rnd);
    return m;
  });
}
