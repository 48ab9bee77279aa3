// One pass over two masks: how many voxels carry the label in A, in B and in both, and the bounding box of
// their union (the only region where distances can be non-zero, so distance work is cropped to it).
//
// Masks are label images on one grid (index i + j*nx + k*nx*ny); "in A" means a[v] === label.
import type { Vec3 } from '../geometry/affine';
import { BoxBuilder, type VoxelBox } from './box';

export interface OverlapCounts {
  /** Voxels with the label in A. */
  a: number;
  /** Voxels with the label in B. */
  b: number;
  /** Voxels with the label in both (true positives when A is the reference). */
  both: number;
  /** Bounding box of the union of A and B; null when both are empty. */
  unionBox: VoxelBox | null;
}

export function overlapCounts(a: Uint8Array, b: Uint8Array, dims: Vec3, label: number): OverlapCounts {
  const [nx, ny, nz] = dims;
  let ca = 0;
  let cb = 0;
  let both = 0;
  const box = new BoxBuilder();
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = (k * ny + j) * nx;
      let first = -1;
      let last = -1;
      for (let i = 0; i < nx; i++) {
        const inA = a[row + i] === label;
        const inB = b[row + i] === label;
        if (inA || inB) {
          if (first < 0) first = i;
          last = i;
          if (inA) ca++;
          if (inB) cb++;
          if (inA && inB) both++;
        }
      }
      if (first >= 0) box.addRow(first, last, j, k);
    }
  }
  return { a: ca, b: cb, both, unionBox: box.box() };
}
