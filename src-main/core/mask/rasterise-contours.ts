// Closed planar contours (RTSTRUCT ROIs) to a label map on a volume's grid, one label value per ROI.
//
// Rule: a voxel belongs to an ROI when its CENTRE is inside the ROI's contours on that voxel's slice by the
// EVEN-ODD rule, all contours of the ROI on one slice taken together: a contour drawn inside another is a
// hole, as plastimatch does with --xor-contours. On the boundary the scanline is half-open: a centre
// exactly on a left edge (smaller i) is inside, one exactly on a right edge is not.
//
// Frames: contour points are LPS mm; they are taken to continuous voxel indices (i, j, k) by the inverse
// of the volume's affine (voxel centres at integer indices). A contour must lie on one slice of the grid
// (all its points' k within K_TOLERANCE of the same integer k); its polygon is then scanned in (i, j).
// Index layout of the result: i + j*nx + k*nx*ny (i fastest).
import { invertAffine, transformPoint } from '../geometry/affine';
import type { Vec3 } from '../geometry/affine';
import type { VolumeGeometry } from '../volume/types';

/** How far (in slices) a contour's points may lie from their slice's centre plane. */
export const K_TOLERANCE = 0.1;

export interface RoiToRasterise {
  /** Label value 1..255 the ROI's voxels get. */
  label: number;
  name: string;
  /** Each contour's vertices in LPS mm (closed: last joins first). */
  contours: Vec3[][];
}

export type RasteriseResult =
  { ok: true; labels: Uint8Array; voxels: Map<number, number> } | { ok: false; reason: string };

interface Plane {
  k: number;
  /** Polygons in (i, j), continuous voxel indices. */
  polygons: [number, number][][];
}

/** Groups an ROI's contours by slice; a reason when one is not on a slice of the grid. */
function slicesOf(
  roi: RoiToRasterise,
  g: VolumeGeometry,
  toIjk: (p: Vec3) => Vec3,
): Map<number, Plane> | string {
  const planes = new Map<number, Plane>();
  for (const contour of roi.contours) {
    const ijk = contour.map(toIjk);
    const k = Math.round(ijk[0]![2]);
    const off = ijk.find((p) => Math.abs(p[2] - k) > K_TOLERANCE);
    if (off) {
      return `ROI '${roi.name}' has a contour that is not on one slice of the volume (slice index ${off[2].toFixed(2)} beside ${k}): it was drawn on another grid`;
    }
    if (k < 0 || k >= g.dims[2]) {
      return `ROI '${roi.name}' has a contour at slice index ${k}, outside the volume's ${g.dims[2]} slices`;
    }
    const plane = planes.get(k) ?? { k, polygons: [] };
    plane.polygons.push(ijk.map((p) => [p[0], p[1]]));
    planes.set(k, plane);
  }
  return planes;
}

/** Fills one slice of one ROI into `inside` (nx*ny, 1 = inside) by even-odd scanlines through centres. */
function scanPlane(plane: Plane, nx: number, ny: number, inside: Uint8Array): void {
  inside.fill(0);
  let jMin = Infinity;
  let jMax = -Infinity;
  for (const poly of plane.polygons)
    for (const [, j] of poly) {
      jMin = Math.min(jMin, j);
      jMax = Math.max(jMax, j);
    }
  const xs: number[] = [];
  for (let j = Math.max(0, Math.ceil(jMin)); j <= Math.min(ny - 1, Math.floor(jMax)); j++) {
    xs.length = 0;
    for (const poly of plane.polygons) {
      for (let n = 0; n < poly.length; n++) {
        const a = poly[n]!;
        const b = poly[(n + 1) % poly.length]!;
        // Half-open in j, so a vertex on the scanline is counted once.
        if (a[1] > j !== b[1] > j) xs.push(a[0] + ((j - a[1]) * (b[0] - a[0])) / (b[1] - a[1]));
      }
    }
    xs.sort((p, q) => p - q);
    for (let n = 0; n + 1 < xs.length; n += 2) {
      const from = Math.max(0, Math.ceil(xs[n]!));
      const to = Math.min(nx, Math.ceil(xs[n + 1]!)); // centres i with x0 <= i < x1
      for (let i = from; i < to; i++) inside[i + j * nx] = 1;
    }
  }
}

export function rasteriseContours(g: VolumeGeometry, rois: RoiToRasterise[]): RasteriseResult {
  const [nx, ny, nz] = g.dims;
  const inv = invertAffine(g.affineLPS);
  const toIjk = (p: Vec3) => transformPoint(inv, p);
  const labels = new Uint8Array(nx * ny * nz);
  const voxels = new Map<number, number>();
  const inside = new Uint8Array(nx * ny);
  const owner = new Map<number, string>();
  for (const roi of rois) {
    if (!(Number.isInteger(roi.label) && roi.label >= 1 && roi.label <= 255))
      return { ok: false, reason: `ROI '${roi.name}': label ${roi.label} is not 1..255` };
    owner.set(roi.label, roi.name);
    const planes = slicesOf(roi, g, toIjk);
    if (typeof planes === 'string') return { ok: false, reason: planes };
    let count = voxels.get(roi.label) ?? 0;
    for (const plane of planes.values()) {
      scanPlane(plane, nx, ny, inside);
      const base = plane.k * nx * ny;
      for (let v = 0; v < nx * ny; v++) {
        if (inside[v] === 0) continue;
        const was = labels[base + v]!;
        if (was !== 0 && was !== roi.label) {
          return {
            ok: false,
            reason: `ROIs '${owner.get(was)}' and '${roi.name}' overlap (slice ${plane.k}); one label map holds one ROI per voxel: import them separately with --roi`,
          };
        }
        if (was === 0) count++;
        labels[base + v] = roi.label;
      }
    }
    voxels.set(roi.label, count);
  }
  return { ok: true, labels, voxels };
}
