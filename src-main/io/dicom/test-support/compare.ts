// Test helper: compares a volume with a peer tool's conversion (read by Concord's NIfTI reader) voxel for voxel,
// mapping each of our voxels (i, j, k) through our LPS affine and the reference's inverse LPS affine to the
// reference's voxel index. Values compared are physical (stored * slope + intercept) on both sides.
import { invertAffine, multiply4, transformPoint } from '@core/geometry/affine';
import type { ImageVolume } from '@core/volume/types';

export interface Comparison {
  voxels: number;
  /** Voxels whose physical value differs from the reference's. */
  differing: number;
  /** Largest distance (in reference voxel units) between a mapped centre and the nearest reference voxel. */
  maxIndexOffset: number;
  /** Voxels that map outside the reference grid. */
  outside: number;
  /** Our index -> reference index (row-major 4x4), rounded to 1e-3 (NIfTI affines are float32). */
  indexMap: number[];
}

export function compareWithReference(v: ImageVolume, ref: ImageVolume): Comparison {
  const m = multiply4(invertAffine(ref.geometry.affineLPS), v.geometry.affineLPS);
  const [nx, ny, nz] = v.geometry.dims;
  const [rx, ry, rz] = ref.geometry.dims;
  let differing = 0;
  let maxIndexOffset = 0;
  let outside = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const p = transformPoint(m, [i, j, k]);
        const q = p.map(Math.round);
        maxIndexOffset = Math.max(maxIndexOffset, ...p.map((x, a) => Math.abs(x - q[a]!)));
        const [a, b, c] = q as [number, number, number];
        if (a < 0 || b < 0 || c < 0 || a >= rx || b >= ry || c >= rz) {
          outside++;
          continue;
        }
        const ours = v.data[i + j * nx + k * nx * ny]! * v.rescale.slope + v.rescale.intercept;
        const theirs = ref.data[a + b * rx + c * rx * ry]! * ref.rescale.slope + ref.rescale.intercept;
        if (ours !== theirs) differing++;
      }
    }
  }
  return {
    voxels: nx * ny * nz,
    differing,
    maxIndexOffset,
    outside,
    indexMap: m.map((x) => Math.round(x * 1e3) / 1e3 + 0),
  };
}
