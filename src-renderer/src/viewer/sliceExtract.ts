// Slices of the in-memory volume, read with strides straight from the typed array: no copy of the volume,
// no allocation per frame (callers pass the output buffer and reuse it).
//
// Index layout: voxel (i, j, k) at data[i + j*nx + k*nx*ny] (i fastest). A view's image pixel (u, v)
// (u = column from the left, v = row from the top) is the voxel given by viewPixelToVoxel in
// src-main/core/geometry/display.ts; output buffers are row-major, out[u + v*width].

import type { Vec3 } from '@core/geometry/affine';
import type { ViewAxes } from '@core/geometry/display';
import { sliceStrides } from '@core/geometry/slice-strides';
import type { VoxelArray } from '@core/volume/types';
import type { GreyMap } from './windowLevel';
import { GREY_RGBA } from './windowLevel';

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
