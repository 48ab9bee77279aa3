// Paints one slice of a label map as RGBA over the view's image pixels: each label in its colour (fill), or
// only its edge pixels (outline: a labelled pixel with an in-plane 4-neighbour of another label, or at the
// image border). Same strided reads (geometry/slice-strides.ts) and row-major output as the renderer's
// slice images (out[u + v*width], packed RGBA, 0 = transparent), so overlay pixel (u, v) lies exactly on
// image pixel (u, v).

import type { Vec3 } from '../geometry/affine';
import type { ViewAxes } from '../geometry/display';
import { sliceStrides } from '../geometry/slice-strides';

/** Renders the slice into `out` (length ≥ width*height); returns the number of labelled pixels. */
export function renderLabelSlice(
  mask: Uint8Array,
  dims: Vec3,
  axes: ViewAxes,
  slice: number,
  lut: Uint32Array,
  outline: boolean,
  out: Uint32Array,
): number {
  const s = sliceStrides(dims, axes, slice);
  const { width, height, du, dv } = s;
  let labelled = 0;
  let o = 0;
  if (!outline) {
    for (let v = 0; v < height; v++) {
      let idx = s.base + v * dv;
      for (let u = 0; u < width; u++, idx += du) {
        const l = mask[idx]!;
        if (l !== 0) labelled++;
        out[o++] = lut[l]!;
      }
    }
    return labelled;
  }
  for (let v = 0; v < height; v++) {
    let idx = s.base + v * dv;
    for (let u = 0; u < width; u++, idx += du) {
      const l = mask[idx]!;
      if (l === 0) {
        out[o++] = 0;
        continue;
      }
      labelled++;
      const edge =
        u === 0 ||
        v === 0 ||
        u === width - 1 ||
        v === height - 1 ||
        mask[idx - du] !== l ||
        mask[idx + du] !== l ||
        mask[idx - dv] !== l ||
        mask[idx + dv] !== l;
      const c = lut[l]!;
      // Edges are drawn opaque (a thin line at the label's opacity is hard to see); hidden labels stay hidden.
      out[o++] = edge && c !== 0 ? c | 0xff000000 : 0;
    }
  }
  return labelled;
}
