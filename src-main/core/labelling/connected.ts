// Connected components of the voxels of a box that satisfy a predicate, shared by the component and hole
// tools. 3D uses 6-connectivity (face neighbours); 2D moves only within slices (4-connectivity in the plane
// across `axis`), so a "2D" component never spans two slices.
//
// Index layout: i + j*nx + k*nx*ny (i fastest) in the mask; ids are stored over the box, i fastest too.

import type { Vec3 } from '../geometry/affine';
import type { AxisIndex } from '../geometry/display';
import type { Box } from './patch';

/** '3d': the whole grid, 6-connected. '2d': per slice across `axis`: one slice, or every slice. */
export type Scope = { mode: '3d' } | { mode: '2d'; axis: AxisIndex; slice: number | 'all' };

export interface Components {
  box: Box;
  /** Component id per voxel of the box (0: not in any component), i fastest. */
  ids: Int32Array;
  /** sizes[id] = voxels of component id (sizes[0] unused). */
  sizes: number[];
  /** touchesBorder[id]: the component reaches a face of the box along an axis it may move along. */
  touchesBorder: boolean[];
  /** slices[id]: (2D) the slice it lies on; (3D) -1. */
  slices: number[];
}

/** Bounding box of the voxels holding `label` within `scope` (half-open), or null when there are none. */
export function labelBox(mask: Uint8Array, dims: Vec3, label: number, scope: Scope): Box | null {
  const lim: Box = [0, dims[0], 0, dims[1], 0, dims[2]];
  if (scope.mode === '2d' && scope.slice !== 'all') {
    lim[scope.axis * 2] = scope.slice;
    lim[scope.axis * 2 + 1] = scope.slice + 1;
  }
  const nx = dims[0];
  const nxy = nx * dims[1];
  let i0 = Infinity;
  let i1 = -1;
  let j0 = Infinity;
  let j1 = -1;
  let k0 = Infinity;
  let k1 = -1;
  for (let k = lim[4]; k < lim[5]; k++) {
    for (let j = lim[2]; j < lim[3]; j++) {
      const row = j * nx + k * nxy;
      for (let i = lim[0]; i < lim[1]; i++) {
        if (mask[row + i] !== label) continue;
        if (i < i0) i0 = i;
        if (i > i1) i1 = i;
        if (j < j0) j0 = j;
        if (j > j1) j1 = j;
        if (k < k0) k0 = k;
        if (k > k1) k1 = k;
      }
    }
  }
  return i1 < 0 ? null : [i0, i1 + 1, j0, j1 + 1, k0, k1 + 1];
}

/** The box grown by `margin` voxels along the axes the scope may move along, clamped to the grid. */
export function growBox(box: Box, dims: Vec3, scope: Scope, margin: number): Box {
  const out: Box = [...box];
  for (const a of [0, 1, 2] as const) {
    if (scope.mode === '2d' && a === scope.axis) continue;
    out[a * 2] = Math.max(0, box[a * 2]! - margin);
    out[a * 2 + 1] = Math.min(dims[a], box[a * 2 + 1]! + margin);
  }
  return out;
}

/** Labels the connected components of the box's voxels for which `inside(label)` holds. */
export function components(
  mask: Uint8Array,
  dims: Vec3,
  box: Box,
  scope: Scope,
  inside: (label: number) => boolean,
): Components {
  const [i0, i1, j0, j1, k0, k1] = box;
  const w = i1 - i0;
  const h = j1 - j0;
  const d = k1 - k0;
  const nx = dims[0];
  const nxy = nx * dims[1];
  const ids = new Int32Array(w * h * d);
  const sizes: number[] = [0];
  const touchesBorder: boolean[] = [false];
  const slices: number[] = [-1];
  const movable = [0, 1, 2].map((a) => !(scope.mode === '2d' && a === scope.axis));
  const bstride = [1, w, w * h];
  const ext = [w, h, d];
  const queue = new Int32Array(w * h * d);
  let b = 0;
  for (let k = 0; k < d; k++) {
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++, b++) {
        if (ids[b] !== 0 || !inside(mask[i0 + i + (j0 + j) * nx + (k0 + k) * nxy]!)) continue;
        const id = sizes.length;
        let size = 0;
        let border = false;
        let head = 0;
        let tail = 0;
        queue[tail++] = b;
        ids[b] = id;
        while (head < tail) {
          const q = queue[head++]!;
          size++;
          const qk = Math.floor(q / (w * h));
          const r = q - qk * w * h;
          const qj = Math.floor(r / w);
          const qi = r - qj * w;
          const pos = [qi, qj, qk];
          for (let a = 0; a < 3; a++) {
            if (!movable[a]) continue;
            const p = pos[a]!;
            if (p === 0 || p === ext[a]! - 1) border = true;
            for (const step of [-1, 1]) {
              const np = p + step;
              if (np < 0 || np >= ext[a]!) continue;
              const nq = q + step * bstride[a]!;
              if (ids[nq] !== 0) continue;
              pos[a] = np;
              const label = mask[i0 + pos[0]! + (j0 + pos[1]!) * nx + (k0 + pos[2]!) * nxy]!;
              pos[a] = p;
              if (!inside(label)) continue;
              ids[nq] = id;
              queue[tail++] = nq;
            }
          }
        }
        sizes.push(size);
        touchesBorder.push(border);
        slices.push(scope.mode === '2d' ? box[scope.axis * 2]! + [i, j, k][scope.axis]! : -1);
      }
    }
  }
  return { box, ids, sizes, touchesBorder, slices };
}

/** Flat mask indices of the box's voxels whose component id passes `keep`. */
export function voxelsOf(c: Components, dims: Vec3, select: (id: number) => boolean): Int32Array {
  const [i0, i1, j0, j1, k0, k1] = c.box;
  const nx = dims[0];
  const nxy = nx * dims[1];
  const out: number[] = [];
  let b = 0;
  for (let k = k0; k < k1; k++) {
    for (let j = j0; j < j1; j++) {
      for (let i = i0; i < i1; i++, b++) {
        const id = c.ids[b]!;
        if (id !== 0 && select(id)) out.push(i + j * nx + k * nxy);
      }
    }
  }
  return Int32Array.from(out);
}
