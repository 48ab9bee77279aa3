// Fill between slices: the user labels a structure on a few slices; the slices in between, along the
// through-plane axis, get a shape interpolated from the nearest labelled slice on each side (shape-based
// interpolation: linear blend of the two slices' signed distance maps, inside where the blend is < 0;
// Raya & Udupa 1990, Herman et al. 1992). Distances are in mm with the in-plane spacing, so anisotropic
// pixels interpolate round shapes as round.
//
// Only slices with no voxel of the label between two labelled slices are filled; labelled slices are
// never changed. Index layout: i + j*nx + k*nx*ny (i fastest).

import type { Vec3 } from '../geometry/affine';
import type { AxisIndex } from '../geometry/display';
import { signedDistance2d } from './distance';

/** In-plane axes of a slice across `axis`, in (i, j, k) order: the first runs along the crop's rows. */
export function inPlaneAxes(axis: AxisIndex): [AxisIndex, AxisIndex] {
  return axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
}

interface SliceShape {
  slice: number;
  /** Bounding box of the label on the slice, inclusive, along the in-plane axes (a, b). */
  a0: number;
  a1: number;
  b0: number;
  b1: number;
}

/** The slices (along `axis`) holding `label`, each with its in-plane bounding box. */
export function labelledSlices(mask: Uint8Array, dims: Vec3, label: number, axis: AxisIndex): SliceShape[] {
  const [pa, pb] = inPlaneAxes(axis);
  const shapes = new Map<number, SliceShape>();
  const nx = dims[0];
  const ny = dims[1];
  const nz = dims[2];
  let idx = 0;
  const pos: Vec3 = [0, 0, 0];
  for (let k = 0; k < nz; k++) {
    pos[2] = k;
    for (let j = 0; j < ny; j++) {
      pos[1] = j;
      for (let i = 0; i < nx; i++, idx++) {
        if (mask[idx] !== label) continue;
        pos[0] = i;
        const s = pos[axis];
        const a = pos[pa];
        const b = pos[pb];
        const sh = shapes.get(s);
        if (!sh) shapes.set(s, { slice: s, a0: a, a1: a, b0: b, b1: b });
        else {
          if (a < sh.a0) sh.a0 = a;
          if (a > sh.a1) sh.a1 = a;
          if (b < sh.b0) sh.b0 = b;
          if (b > sh.b1) sh.b1 = b;
        }
      }
    }
  }
  return [...shapes.values()].sort((x, y) => x.slice - y.slice);
}

/**
 * Flat indices (to receive `label`) of the interpolated shapes on every unlabelled slice lying between two
 * labelled ones along `axis`; `spacing` (mm along i, j, k) sets the in-plane distances.
 */
export function interpolateSlices(
  mask: Uint8Array,
  dims: Vec3,
  spacing: Vec3,
  label: number,
  axis: AxisIndex,
): Int32Array {
  const [pa, pb] = inPlaneAxes(axis);
  const stride: Vec3 = [1, dims[0], dims[0] * dims[1]];
  const sa = stride[pa];
  const sb = stride[pb];
  const sn = stride[axis];
  const shapes = labelledSlices(mask, dims, label, axis);
  const out: number[] = [];
  for (let n = 0; n + 1 < shapes.length; n++) {
    const s0 = shapes[n]!;
    const s1 = shapes[n + 1]!;
    if (s1.slice - s0.slice < 2) continue;
    // The blend is < 0 only where one of the shapes is, so the union of their boxes bounds the result; one
    // voxel of margin (clamped to the grid) makes the distances to "outside" exact within the crop.
    const a0 = Math.max(0, Math.min(s0.a0, s1.a0) - 1);
    const a1 = Math.min(dims[pa] - 1, Math.max(s0.a1, s1.a1) + 1);
    const b0 = Math.max(0, Math.min(s0.b0, s1.b0) - 1);
    const b1 = Math.min(dims[pb] - 1, Math.max(s0.b1, s1.b1) + 1);
    const w = a1 - a0 + 1;
    const h = b1 - b0 + 1;
    const crop = (slice: number): Uint8Array => {
      const c = new Uint8Array(w * h);
      for (let b = 0; b < h; b++) {
        for (let a = 0; a < w; a++) {
          if (mask[(a0 + a) * sa + (b0 + b) * sb + slice * sn] === label) c[a + b * w] = 1;
        }
      }
      return c;
    };
    const d0 = signedDistance2d(crop(s0.slice), w, h, spacing[pa], spacing[pb]);
    const d1 = signedDistance2d(crop(s1.slice), w, h, spacing[pa], spacing[pb]);
    for (let s = s0.slice + 1; s < s1.slice; s++) {
      const t = (s - s0.slice) / (s1.slice - s0.slice);
      for (let b = 0; b < h; b++) {
        for (let a = 0; a < w; a++) {
          const m = a + b * w;
          if ((1 - t) * d0[m]! + t * d1[m]! < 0) out.push((a0 + a) * sa + (b0 + b) * sb + s * sn);
        }
      }
    }
  }
  return Int32Array.from(out);
}
