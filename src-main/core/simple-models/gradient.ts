// Gradient magnitude of a scalar volume, in value units per millimetre (HU/mm for CT): central differences
// along each axis divided by the physical distance (one-sided at the volume's faces), optionally after a
// Gaussian smoothing of standard deviation `sigmaMm` (separable, truncated at 3σ, renormalised at the faces).
// Index layout: i + j*nx + k*nx*ny (i fastest); spacing in mm per axis.
import type { Vec3 } from '../geometry/affine';

function smoothAxis(src: Float32Array, dims: Vec3, axis: 0 | 1 | 2, sigmaVoxels: number): Float32Array {
  const n = dims[axis];
  const r = Math.ceil(3 * sigmaVoxels);
  if (r === 0 || n === 1) return src;
  const kernel = new Float64Array(2 * r + 1);
  for (let t = -r; t <= r; t++) kernel[t + r] = Math.exp(-(t * t) / (2 * sigmaVoxels * sigmaVoxels));
  const stride = axis === 0 ? 1 : axis === 1 ? dims[0] : dims[0] * dims[1];
  const out = new Float32Array(src.length);
  const [nx, ny, nz] = dims;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const idx = i + j * nx + k * nx * ny;
        const pos = axis === 0 ? i : axis === 1 ? j : k;
        let sum = 0;
        let wsum = 0;
        for (let t = Math.max(-r, -pos); t <= Math.min(r, n - 1 - pos); t++) {
          const w = kernel[t + r]!;
          sum += w * src[idx + t * stride]!;
          wsum += w;
        }
        out[idx] = sum / wsum;
      }
  return out;
}

export function gaussianSmooth(
  values: Float32Array,
  dims: Vec3,
  spacing: Vec3,
  sigmaMm: number,
): Float32Array {
  let v = values;
  if (sigmaMm <= 0) return v;
  for (const a of [0, 1, 2] as const) v = smoothAxis(v, dims, a, sigmaMm / spacing[a]);
  return v;
}

export function gradientMagnitude(values: Float32Array, dims: Vec3, spacing: Vec3): Float32Array {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const out = new Float32Array(values.length);
  const strides = [1, nx, nxy] as const;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const idx = i + j * nx + k * nxy;
        const pos = [i, j, k] as const;
        let g2 = 0;
        for (let a = 0; a < 3; a++) {
          const n = dims[a]!;
          if (n === 1) continue;
          const s = strides[a]!;
          const lo = pos[a]! > 0 ? idx - s : idx;
          const hi = pos[a]! < n - 1 ? idx + s : idx;
          const d = (values[hi]! - values[lo]!) / (((hi - lo) / s) * spacing[a]!);
          g2 += d * d;
        }
        out[idx] = Math.sqrt(g2);
      }
  return out;
}
