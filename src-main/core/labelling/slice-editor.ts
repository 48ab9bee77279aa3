// What the slice views need from an editor (the labelling tools), and what they hand it. Kept to plain data
// so that SliceView stays a view: it forwards left-button gestures and draws the decorations it is given.
//
// Frames: (x, y) are continuous image-pixel coordinates of the view — pixel (u, v) spans [u, u+1) × [v, v+1),
// its centre is (u + 0.5, v + 0.5) — independent of zoom and pan. `ijk` is the same point in continuous voxel
// indices (voxel centres at integers), on the slice the view shows.

import type { Vec3 } from '../geometry/affine';
import type { SliceViewName, ViewAxes } from '../geometry/display';

export interface SlicePointer {
  view: SliceViewName;
  axes: ViewAxes;
  /** Voxel index along the view's through-plane axis. */
  slice: number;
  x: number;
  y: number;
  /** Continuous voxel indices of the point (the through-plane one is the slice). */
  ijk: Vec3;
  /** The voxel under the point, or null outside the image. */
  voxel: Vec3 | null;
  /** Client pixels moved since the button went down (tells a click from a drag). */
  dragPx: number;
}

export type PointerPhase = 'down' | 'move' | 'up' | 'cancel' | 'double';

export interface SliceDecorations {
  /** Brush outline (a circle of this radius in mm) at the pointer, or null. */
  brushRadiusMm: number | null;
  /** Text next to the brush outline (e.g. "4 mm 3D"). */
  brushText: string;
  /** A polygon or lasso in progress in this view, in continuous voxel indices; null when none. */
  path: Vec3[] | null;
  /** Colour of the brush outline and path. */
  colour: string;
}

export interface SliceEditor {
  /** False while the navigate tool is active: the left button keeps its viewer meaning (crosshair). */
  readonly capturesPointer: boolean;
  pointer(phase: PointerPhase, p: SlicePointer): void;
  decorations(view: SliceViewName): SliceDecorations;
  /** Called when capturesPointer or the decorations change. */
  subscribe(listener: () => void): () => void;
}

function along(sign: 1 | -1, n: number, x: number): number {
  return sign === 1 ? x : n - 1 - x;
}

/** Continuous image-pixel point (x, y) of a view on `slice` -> continuous voxel indices. */
export function imagePointToIjk(dims: Vec3, axes: ViewAxes, x: number, y: number, slice: number): Vec3 {
  const out: Vec3 = [0, 0, 0];
  out[axes.right.axis] = along(axes.right.sign, dims[axes.right.axis], x - 0.5);
  out[axes.down.axis] = along(axes.down.sign, dims[axes.down.axis], y - 0.5);
  out[axes.normal.axis] = slice;
  return out;
}

/** Continuous voxel indices -> continuous image-pixel point of a view (inverse of the above in plane). */
export function ijkToImagePoint(dims: Vec3, axes: ViewAxes, ijk: Vec3): { x: number; y: number } {
  return {
    x: along(axes.right.sign, dims[axes.right.axis], ijk[axes.right.axis]) + 0.5,
    y: along(axes.down.sign, dims[axes.down.axis], ijk[axes.down.axis]) + 0.5,
  };
}
