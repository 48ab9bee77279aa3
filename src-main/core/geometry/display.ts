// How a volume is laid out on screen in the three patient-oriented slice views, whatever its acquisition.
//
// Frames: world is LPS in mm (x to the patient's Left, y to Posterior, z to Superior). Screen is x to the
// right, y down, z into the screen (away from the viewer), so screen z = screen x × screen y.
// Voxel index layout: (i, j, k), i fastest (data[i + j*nx + k*nx*ny]).
//
// Each view shows the voxel grid unresampled: the voxel axis best aligned with each target patient
// direction runs along that screen axis, flipped where needed. Radiological convention:
//   axial:    right = Left (+x), down = Posterior (+y), into screen = Superior (viewed from the feet)
//   coronal:  right = Left (+x), down = Inferior (−z), into screen = Posterior (viewed from the front)
//   sagittal: right = Posterior (+y), down = Inferior (−z), into screen = Right (viewed from the left)
// For an oblique acquisition the screen axes are not exactly those directions, so the edge letters are
// computed from the real direction cosines of the chosen voxel axes (e.g. "LP").

import type { Mat4, Vec3 } from './affine';
import { directionsOf } from './affine';

export type SliceViewName = 'axial' | 'coronal' | 'sagittal';
export const SLICE_VIEWS: readonly SliceViewName[] = ['axial', 'coronal', 'sagittal'];

export type AxisIndex = 0 | 1 | 2;
export type Sign = 1 | -1;

/** A voxel axis and the sign with which it runs along a screen direction. */
export interface SignedAxis {
  axis: AxisIndex;
  sign: Sign;
}

/** Which voxel axis (and sign) runs along screen right, screen down and into the screen. */
export interface ViewAxes {
  right: SignedAxis;
  down: SignedAxis;
  /** Through-plane. Its sign says how the voxel index grows relative to "into the screen". */
  normal: SignedAxis;
}

interface ViewTargets {
  right: Vec3;
  down: Vec3;
  normal: Vec3;
  /** Direction a slice moves on "scroll up" (wheel up, PageUp, ArrowUp). */
  up: Vec3;
}

/** Target LPS directions per view (see the header). "Up" scrolls toward Superior, Anterior and Left. */
export const VIEW_TARGETS: Record<SliceViewName, ViewTargets> = {
  axial: { right: [1, 0, 0], down: [0, 1, 0], normal: [0, 0, 1], up: [0, 0, 1] },
  coronal: { right: [1, 0, 0], down: [0, 0, -1], normal: [0, 1, 0], up: [0, -1, 0] },
  sagittal: { right: [0, 1, 0], down: [0, 0, -1], normal: [-1, 0, 0], up: [1, 0, 0] },
};

const PERMUTATIONS: readonly [AxisIndex, AxisIndex, AxisIndex][] = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function signOf(x: number): Sign {
  return x < 0 ? -1 : 1;
}

/**
 * Picks, for each screen direction of the view, the voxel axis most aligned with its target patient
 * direction. The three picks are a permutation (each voxel axis used once), chosen to maximise the summed
 * |cosine|; ties resolve to the first permutation in (i, j, k) order, so the choice is deterministic.
 */
export function viewAxes(affineLPS: Mat4, view: SliceViewName): ViewAxes {
  const dirs = directionsOf(affineLPS);
  const t = VIEW_TARGETS[view];
  let best = PERMUTATIONS[0]!;
  let bestScore = -Infinity;
  for (const p of PERMUTATIONS) {
    const score =
      Math.abs(dot(dirs[p[0]], t.right)) +
      Math.abs(dot(dirs[p[1]], t.down)) +
      Math.abs(dot(dirs[p[2]], t.normal));
    // A strict improvement (beyond rounding) is needed to replace an earlier permutation.
    if (score > bestScore + 1e-9) {
      bestScore = score;
      best = p;
    }
  }
  return {
    right: { axis: best[0], sign: signOf(dot(dirs[best[0]], t.right)) },
    down: { axis: best[1], sign: signOf(dot(dirs[best[1]], t.down)) },
    normal: { axis: best[2], sign: signOf(dot(dirs[best[2]], t.normal)) },
  };
}

/** Voxel-index step (+1 or −1) along the view's normal axis that moves the slice "up" (see VIEW_TARGETS). */
export function scrollUpStep(
  affineLPS: Mat4,
  view: SliceViewName,
  axes: ViewAxes = viewAxes(affineLPS, view),
): Sign {
  const dirs = directionsOf(affineLPS);
  return signOf(dot(dirs[axes.normal.axis], VIEW_TARGETS[view].up));
}

/**
 * A direction component enters the label when its |cosine| is at least this (about 8.6°): small
 * tilts keep a single letter, real obliques show two or three, the largest first.
 */
export const ORIENTATION_LETTER_MIN = 0.15;

/** Patient-direction letters of an LPS direction, largest component first: [1,0,0] -> "L", [0.87,0.5,0] -> "LP". */
export function orientationLetters(v: Vec3): string {
  const n = Math.hypot(v[0], v[1], v[2]) || 1;
  const parts: { mag: number; letter: string }[] = [
    { mag: Math.abs(v[0]) / n, letter: v[0] >= 0 ? 'L' : 'R' },
    { mag: Math.abs(v[1]) / n, letter: v[1] >= 0 ? 'P' : 'A' },
    { mag: Math.abs(v[2]) / n, letter: v[2] >= 0 ? 'S' : 'I' },
  ];
  // Stable sort keeps x, y, z order for equal magnitudes.
  parts.sort((a, b) => b.mag - a.mag);
  return parts
    .filter((p, idx) => idx === 0 || p.mag >= ORIENTATION_LETTER_MIN)
    .map((p) => p.letter)
    .join('');
}

/** LPS unit direction in which a signed voxel axis points. */
export function signedAxisDirection(affineLPS: Mat4, a: SignedAxis): Vec3 {
  const d = directionsOf(affineLPS)[a.axis];
  return [d[0] * a.sign, d[1] * a.sign, d[2] * a.sign];
}

export interface EdgeLabels {
  left: string;
  right: string;
  top: string;
  bottom: string;
}

/** Letters at the four screen edges of a view, from the true direction cosines of its screen axes. */
export function edgeLabels(affineLPS: Mat4, axes: ViewAxes): EdgeLabels {
  const r = signedAxisDirection(affineLPS, axes.right);
  const d = signedAxisDirection(affineLPS, axes.down);
  return {
    right: orientationLetters(r),
    left: orientationLetters([-r[0], -r[1], -r[2]]),
    bottom: orientationLetters(d),
    top: orientationLetters([-d[0], -d[1], -d[2]]),
  };
}

/** Everything a slice view needs about its layout: which axes, image size in pixels, pixel size in mm. */
export interface ViewLayout {
  view: SliceViewName;
  axes: ViewAxes;
  /** Image columns (voxels along screen x) and rows (voxels along screen y). */
  width: number;
  height: number;
  /** Number of slices (voxels through the plane). */
  depth: number;
  /** mm per image column / row: the spacing of the voxel axes on screen x / y (pixel aspect). */
  pixelWidthMm: number;
  pixelHeightMm: number;
  labels: EdgeLabels;
  /** Voxel-index step that moves "up" through the slices. */
  upStep: Sign;
}

export function viewLayout(dims: Vec3, spacing: Vec3, affineLPS: Mat4, view: SliceViewName): ViewLayout {
  const axes = viewAxes(affineLPS, view);
  return {
    view,
    axes,
    width: dims[axes.right.axis],
    height: dims[axes.down.axis],
    depth: dims[axes.normal.axis],
    pixelWidthMm: spacing[axes.right.axis],
    pixelHeightMm: spacing[axes.down.axis],
    labels: edgeLabels(affineLPS, axes),
    upStep: scrollUpStep(affineLPS, view, axes),
  };
}

/** A pixel of a view's image: column u (0 = left), row v (0 = top), and the slice (voxel index) it lies on. */
export interface ViewPixel {
  u: number;
  v: number;
  slice: number;
}

function along(a: SignedAxis, n: number, index: number): number {
  return a.sign === 1 ? index : n - 1 - index;
}

/** Voxel (i, j, k) -> its image pixel in a view. Integer in, integer out; also valid for fractional indices. */
export function voxelToViewPixel(dims: Vec3, axes: ViewAxes, ijk: Vec3): ViewPixel {
  return {
    u: along(axes.right, dims[axes.right.axis], ijk[axes.right.axis]),
    v: along(axes.down, dims[axes.down.axis], ijk[axes.down.axis]),
    slice: ijk[axes.normal.axis],
  };
}

/** Image pixel (u, v) on a slice (voxel index along the normal axis) -> voxel (i, j, k). Inverse of the above. */
export function viewPixelToVoxel(dims: Vec3, axes: ViewAxes, p: ViewPixel): Vec3 {
  const out: Vec3 = [0, 0, 0];
  out[axes.right.axis] = along(axes.right, dims[axes.right.axis], p.u);
  out[axes.down.axis] = along(axes.down, dims[axes.down.axis], p.v);
  out[axes.normal.axis] = p.slice;
  return out;
}
