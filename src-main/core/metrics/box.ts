// Axis-aligned boxes of voxel indices (inclusive bounds), used to crop work to where the masks are.
import type { Vec3 } from '../geometry/affine';

export interface VoxelBox {
  /** Smallest (i, j, k) inside the box. */
  min: Vec3;
  /** Largest (i, j, k) inside the box (inclusive). */
  max: Vec3;
}

export function boxSize(box: VoxelBox): Vec3 {
  return [box.max[0] - box.min[0] + 1, box.max[1] - box.min[1] + 1, box.max[2] - box.min[2] + 1];
}

export function boxVoxels(box: VoxelBox): number {
  const s = boxSize(box);
  return s[0] * s[1] * s[2];
}

/** The box grown by `margin` voxels per axis on each side, clipped to the grid. */
export function growBox(box: VoxelBox, margin: Vec3, dims: Vec3): VoxelBox {
  return {
    min: [
      Math.max(0, box.min[0] - margin[0]),
      Math.max(0, box.min[1] - margin[1]),
      Math.max(0, box.min[2] - margin[2]),
    ],
    max: [
      Math.min(dims[0] - 1, box.max[0] + margin[0]),
      Math.min(dims[1] - 1, box.max[1] + margin[1]),
      Math.min(dims[2] - 1, box.max[2] + margin[2]),
    ],
  };
}

/** Bounding box accumulator: feed it runs of voxels along i, read the box (null when nothing was fed). */
export class BoxBuilder {
  private readonly min: Vec3 = [Infinity, Infinity, Infinity];
  private readonly max: Vec3 = [-Infinity, -Infinity, -Infinity];

  /** Voxels i0..i1 (inclusive) of row (j, k) are inside. */
  addRow(i0: number, i1: number, j: number, k: number): void {
    if (i0 < this.min[0]) this.min[0] = i0;
    if (i1 > this.max[0]) this.max[0] = i1;
    if (j < this.min[1]) this.min[1] = j;
    if (j > this.max[1]) this.max[1] = j;
    if (k < this.min[2]) this.min[2] = k;
    if (k > this.max[2]) this.max[2] = k;
  }

  box(): VoxelBox | null {
    if (this.min[0] === Infinity) return null;
    return { min: [...this.min], max: [...this.max] };
  }
}
