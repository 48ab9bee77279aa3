// Polygon / lasso fill on one slice: the voxels of the slice whose centres lie inside a closed polygon
// (even-odd rule; a voxel centre exactly on a left edge is inside, on a right edge outside, so two polygons
// sharing an edge never both take a voxel).
//
// Coordinates: a polygon vertex is (a, b) in continuous voxel indices along the slice's two in-plane axes
// (`axisA`, `axisB`), where voxel centres sit at integers (voxel 3 spans 2.5..3.5). Index layout of the
// result: flat i + j*nx + k*nx*ny.

import type { Vec3 } from '../geometry/affine';
import type { AxisIndex } from '../geometry/display';

export interface SlicePlane {
  /** In-plane voxel axes of the polygon's (a, b) coordinates. */
  axisA: AxisIndex;
  axisB: AxisIndex;
  /** The through-plane axis and the slice's index on it. */
  normalAxis: AxisIndex;
  slice: number;
}

/** Flat indices of the slice's voxels inside the polygon, row by row (b, then a). */
export function polygonVoxels(
  dims: Vec3,
  plane: SlicePlane,
  points: readonly [number, number][],
): Int32Array {
  if (points.length < 3) return new Int32Array(0);
  const na = dims[plane.axisA];
  const nb = dims[plane.axisB];
  const stride: Vec3 = [1, dims[0], dims[0] * dims[1]];
  const sa = stride[plane.axisA];
  const sb = stride[plane.axisB];
  const base = plane.slice * stride[plane.normalAxis];
  let minB = Infinity;
  let maxB = -Infinity;
  for (const [, b] of points) {
    minB = Math.min(minB, b);
    maxB = Math.max(maxB, b);
  }
  const out: number[] = [];
  const xs: number[] = [];
  const bStart = Math.max(0, Math.ceil(minB));
  const bEnd = Math.min(nb - 1, Math.floor(maxB));
  for (let b = bStart; b <= bEnd; b++) {
    xs.length = 0;
    for (let n = 0, m = points.length - 1; n < points.length; m = n++) {
      const [a0, b0] = points[m]!;
      const [a1, b1] = points[n]!;
      // Half-open in b, so a vertex on the scanline is counted once.
      if (b0 > b !== b1 > b) xs.push(a0 + ((b - b0) * (a1 - a0)) / (b1 - b0));
    }
    xs.sort((x, y) => x - y);
    for (let n = 0; n + 1 < xs.length; n += 2) {
      // Inside: x[2m] <= a < x[2m+1].
      const aStart = Math.max(0, Math.ceil(xs[n]!));
      const aEnd = Math.min(na - 1, Math.ceil(xs[n + 1]!) - 1);
      for (let a = aStart; a <= aEnd; a++) out.push(base + a * sa + b * sb);
    }
  }
  return Int32Array.from(out);
}
