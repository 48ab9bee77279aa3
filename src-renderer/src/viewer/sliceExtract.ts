// Slices of the in-memory volume, read with strides straight from the typed array: no copy of the volume,
// no allocation per frame (callers pass the output buffer and reuse it).
//
// Index layout: voxel (i, j, k) at data[i + j*nx + k*nx*ny] (i fastest). A view's image pixel (u, v)
// (u = column from the left, v = row from the top) is the voxel given by viewPixelToVoxel in
// src-main/core/geometry/display.ts; output buffers are row-major, out[u + v*width].

import type { Vec3 } from '../../../src-main/core/geometry/affine';
import type { ViewAxes } from '../../../src-main/core/geometry/display';
import type { VoxelArray } from '../../../src-main/core/volume/types';
import type { GreyMap } from './windowLevel';
import { GREY_RGBA } from './windowLevel';

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

/** Copies a slice's stored values into `out` (length ≥ width*height, row-major). Returns `out`. */
export function extractSlice<T extends VoxelArray>(
  voxels: VoxelArray,
  dims: Vec3,
  axes: ViewAxes,
  slice: number,
  out: T,
): T {
  const s = sliceStrides(dims, axes, slice);
  let o = 0;
  for (let v = 0; v < s.height; v++) {
    let idx = s.base + v * s.dv;
    for (let u = 0; u < s.width; u++, idx += s.du) out[o++] = voxels[idx]!;
  }
  return out;
}

/**
 * Paints a slice as packed RGBA (one Uint32 per pixel, row-major, the layout of ImageData.data viewed as
 * Uint32Array on a little-endian machine) through the window/level grey map.
 */
export function renderSlice(
  voxels: VoxelArray,
  dims: Vec3,
  axes: ViewAxes,
  slice: number,
  map: GreyMap,
  out: Uint32Array,
): void {
  const s = sliceStrides(dims, axes, slice);
  let o = 0;
  if (map.kind === 'table') {
    const rgba = map.rgba;
    const off = map.offset;
    for (let v = 0; v < s.height; v++) {
      let idx = s.base + v * s.dv;
      for (let u = 0; u < s.width; u++, idx += s.du) out[o++] = rgba[voxels[idx]! - off]!;
    }
    return;
  }
  const { slope, intercept, low, scale } = map;
  for (let v = 0; v < s.height; v++) {
    let idx = s.base + v * s.dv;
    for (let u = 0; u < s.width; u++, idx += s.du) {
      const g = (voxels[idx]! * slope + intercept - low) * scale;
      out[o++] = GREY_RGBA[!(g > 0) ? 0 : g >= 255 ? 255 : Math.round(g)]!;
    }
  }
}
