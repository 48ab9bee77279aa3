// Mask patches: the new labels of every voxel in a box of a mask (contract MaskPatch).
//
// Index layout: voxel (i, j, k) of a mask with dims [nx, ny, nz] sits at i + j*nx + k*nx*ny (i fastest).
// A box is [i0, i1, j0, j1, k0, k1], half-open, in voxel indices; its data holds (i1-i0)*(j1-j0)*(k1-k0)
// labels in the same order (i fastest, then j, then k).
import type { Vec3 } from '../geometry/affine';

export type Box = [number, number, number, number, number, number];

export function boxVoxels(box: Box): number {
  return (box[1] - box[0]) * (box[3] - box[2]) * (box[5] - box[4]);
}

/** Why `box` is not a non-empty box on the grid `dims`, or null when it is. */
export function boxProblem(box: readonly unknown[], dims: Vec3): string | null {
  if (box.length !== 6 || !box.every((x) => typeof x === 'number' && Number.isSafeInteger(x))) {
    return 'the patch box must be six integers [i0, i1, j0, j1, k0, k1]';
  }
  const b = box as number[];
  for (let axis = 0; axis < 3; axis++) {
    const lo = b[2 * axis]!;
    const hi = b[2 * axis + 1]!;
    const n = dims[axis]!;
    if (lo < 0 || hi > n || lo >= hi) {
      const name = 'ijk'[axis]!;
      return `the patch box [${b.join(', ')}] is not inside the ${dims.join('x')} grid (${name}: need 0 <= ${name}0 < ${name}1 <= ${n})`;
    }
  }
  return null;
}

/** Copies the labels of `box` out of `mask` (i fastest). */
export function extractBox(mask: Uint8Array, dims: Vec3, box: Box): Uint8Array {
  const [i0, i1, j0, j1, k0, k1] = box;
  const nx = dims[0];
  const plane = nx * dims[1];
  const rowLength = i1 - i0;
  const out = new Uint8Array(boxVoxels(box));
  let at = 0;
  for (let k = k0; k < k1; k++) {
    for (let j = j0; j < j1; j++) {
      const start = i0 + j * nx + k * plane;
      out.set(mask.subarray(start, start + rowLength), at);
      at += rowLength;
    }
  }
  return out;
}

/** Writes `data` (the labels of `box`, i fastest) into `mask` in place. */
export function writeBox(mask: Uint8Array, dims: Vec3, box: Box, data: Uint8Array): void {
  const [i0, i1, j0, j1, k0, k1] = box;
  const nx = dims[0];
  const plane = nx * dims[1];
  const rowLength = i1 - i0;
  let at = 0;
  for (let k = k0; k < k1; k++) {
    for (let j = j0; j < j1; j++) {
      mask.set(data.subarray(at, at + rowLength), i0 + j * nx + k * plane);
      at += rowLength;
    }
  }
}
