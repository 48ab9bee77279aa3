// Boundary voxels of a mask: foreground voxels with at least one face-neighbour (6-connectivity) in the
// background, where anything outside the image counts as background. These are the voxels the surface
// metrics (HD95, ASSD, surface Dice) measure from and to.
//
// Works on a cropped copy of the masks (`PairCrop`): a box that contains every foreground voxel of both
// masks. Outside that box nothing is foreground, so "outside the box" and "outside the image" are both
// background and the boundary found in the box is the boundary in the full image.
import type { Vec3 } from '../geometry/affine';
import { boxSize, type VoxelBox } from './box';

/** Bit flags of each voxel in a PairCrop. */
export const IN_A = 1;
export const IN_B = 2;
export const EDGE_A = 4;
export const EDGE_B = 8;

export interface PairCrop {
  /** The crop in the full grid. */
  box: VoxelBox;
  /** Crop size (voxels along i, j, k). */
  dims: Vec3;
  /** Per voxel of the crop (i fastest): IN_A | IN_B | EDGE_A | EDGE_B. */
  bits: Uint8Array;
  /** Boundary voxel counts. */
  edgeA: number;
  edgeB: number;
}

/** Copies the label's voxels of A and B inside `box` and marks their boundary voxels. */
export function cropPair(a: Uint8Array, b: Uint8Array, dims: Vec3, label: number, box: VoxelBox): PairCrop {
  const [nx, ny] = dims;
  const size = boxSize(box);
  const [cx, cy, cz] = size;
  const bits = new Uint8Array(cx * cy * cz);
  for (let k = 0; k < cz; k++) {
    for (let j = 0; j < cy; j++) {
      const src = (box.min[2] + k) * nx * ny + (box.min[1] + j) * nx + box.min[0];
      const dst = (k * cy + j) * cx;
      for (let i = 0; i < cx; i++) {
        bits[dst + i] = (a[src + i] === label ? IN_A : 0) | (b[src + i] === label ? IN_B : 0);
      }
    }
  }
  const { edgeA, edgeB } = markEdges(bits, size);
  return { box, dims: size, bits, edgeA, edgeB };
}

/** Sets EDGE_A / EDGE_B on voxels of A / B with a face-neighbour outside the set (or outside the box). */
function markEdges(bits: Uint8Array, dims: Vec3): { edgeA: number; edgeB: number } {
  const [nx, ny, nz] = dims;
  const sj = nx;
  const sk = nx * ny;
  let edgeA = 0;
  let edgeB = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = k * sk + j * sj;
      for (let i = 0; i < nx; i++) {
        const v = row + i;
        const m = bits[v]! & (IN_A | IN_B);
        if (m === 0) continue;
        // A neighbour outside the box contributes nothing (background for both masks).
        const all =
          (i > 0 ? bits[v - 1]! : 0) &
          (i < nx - 1 ? bits[v + 1]! : 0) &
          (j > 0 ? bits[v - sj]! : 0) &
          (j < ny - 1 ? bits[v + sj]! : 0) &
          (k > 0 ? bits[v - sk]! : 0) &
          (k < nz - 1 ? bits[v + sk]! : 0);
        let e = 0;
        if (m & IN_A && !(all & IN_A)) {
          e |= EDGE_A;
          edgeA++;
        }
        if (m & IN_B && !(all & IN_B)) {
          e |= EDGE_B;
          edgeB++;
        }
        bits[v] = bits[v]! | e;
      }
    }
  }
  return { edgeA, edgeB };
}
