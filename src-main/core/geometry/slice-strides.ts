// Where a view's slice lies in a volume's flat array: the flat index of image pixel (0, 0) and the index
// step per column and per row, so that slices (of voxels, of label maps) are read with strides straight from
// the typed array, without a copy. Used by the renderer's slice drawing (sliceExtract.ts) and by the label
// overlays (labelling/overlay-render.ts), so an overlay pixel (u, v) lies exactly on image pixel (u, v).
//
// Index layout: voxel (i, j, k) at data[i + j*nx + k*nx*ny] (i fastest). A view's image pixel (u, v)
// (u = column from the left, v = row from the top) is the voxel viewPixelToVoxel gives (display.ts).

import type { Vec3 } from './affine';
import type { ViewAxes } from './display';

/** Where pixel (0, 0) of a slice sits in the flat array and how far one step along u or v moves. */
export interface SliceStrides {
  width: number;
  height: number;
  /** Flat index of pixel (u = 0, v = 0). */
  base: number;
  /** Flat-index step per column (u + 1) and per row (v + 1); negative where the axis is flipped. */
  du: number;
  dv: number;
}

export function sliceStrides(dims: Vec3, axes: ViewAxes, slice: number): SliceStrides {
  const stride: Vec3 = [1, dims[0], dims[0] * dims[1]];
  const width = dims[axes.right.axis];
  const height = dims[axes.down.axis];
  const du = stride[axes.right.axis] * axes.right.sign;
  const dv = stride[axes.down.axis] * axes.down.sign;
  const u0 = axes.right.sign === 1 ? 0 : width - 1;
  const v0 = axes.down.sign === 1 ? 0 : height - 1;
  const base = u0 * stride[axes.right.axis] + v0 * stride[axes.down.axis] + slice * stride[axes.normal.axis];
  return { width, height, base, du, dv };
}
