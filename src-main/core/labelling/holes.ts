// Fill holes of the active label: the voxels not holding the label that no path of such voxels links to the
// border of the scope — enclosed by the label (scipy.ndimage.binary_fill_holes). 3D: enclosed in the grid,
// 6-connected; 2D: enclosed within a slice, 4-connected in its plane, on one slice or on every slice. Voxels
// of other labels inside a hole are part of it; the paint rule decides whether they change (protect).
//
// Index layout of the result: flat i + j*nx + k*nx*ny.

import type { Vec3 } from '../geometry/affine';
import type { Scope } from './connected';
import { components, growBox, labelBox, voxelsOf } from './connected';

/** Voxels (to receive `label`) of the holes enclosed by `label`. */
export function holeVoxels(mask: Uint8Array, dims: Vec3, label: number, scope: Scope): Int32Array {
  const box = labelBox(mask, dims, label, scope);
  if (!box) return new Int32Array(0);
  // One voxel of margin: every voxel on the grown box's faces is outside the label's box or on the grid's
  // border, so it reaches the border without crossing the label; a region touching a face is not a hole.
  const grown = growBox(box, dims, scope, 1);
  const c = components(mask, dims, grown, scope, (v) => v !== label);
  return voxelsOf(c, dims, (id) => !c.touchesBorder[id]);
}
