// Nearest-neighbour resampling of a label map onto another grid (whether two grids are one: see
// core/metrics/grid.ts sameGrid).
//
// Grids are (dims, affine): affine is row-major 4x4 mapping voxel index (i, j, k, 1) to the LPS position in
// mm of that voxel's centre; labels are indexed i + j*nx + k*nx*ny (i fastest).
import { invertAffine, multiply4 } from '../geometry/affine';
import type { VolumeGeometry } from '../volume/types';

/**
 * Resamples labels from grid `source` onto grid `target` by nearest neighbour: each target voxel centre
 * is mapped through target affine -> world (LPS mm) -> source index, rounded to the nearest voxel; centres
 * outside the source grid get 0 (background).
 */
export function resampleNearest(
  labels: Uint8Array,
  source: VolumeGeometry,
  target: VolumeGeometry,
): Uint8Array {
  const [sx, sy, sz] = source.dims;
  const [tx, ty, tz] = target.dims;
  // Target index -> source index (continuous).
  const m = multiply4(invertAffine(source.affineLPS), target.affineLPS);
  const out = new Uint8Array(tx * ty * tz);
  const [di0, di1, di2] = [m[0]!, m[4]!, m[8]!]; // source step per target i
  let at = 0;
  for (let k = 0; k < tz; k++) {
    for (let j = 0; j < ty; j++) {
      // Source position of target voxel (0, j, k), plus 0.5 so that floor() rounds to nearest.
      let x = m[1]! * j + m[2]! * k + m[3]! + 0.5;
      let y = m[5]! * j + m[6]! * k + m[7]! + 0.5;
      let z = m[9]! * j + m[10]! * k + m[11]! + 0.5;
      for (let i = 0; i < tx; i++, at++) {
        const si = Math.floor(x);
        const sj = Math.floor(y);
        const sk = Math.floor(z);
        if (si >= 0 && si < sx && sj >= 0 && sj < sy && sk >= 0 && sk < sz) {
          out[at] = labels[si + sj * sx + sk * sx * sy]!;
        }
        x += di0;
        y += di1;
        z += di2;
      }
    }
  }
  return out;
}
