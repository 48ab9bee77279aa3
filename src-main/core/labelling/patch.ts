// Mask patches: the new labels of every voxel in a box, the unit in which edits are applied, undone and
// saved (contract: MaskPatch). A patch and its inverse (the labels the box held before) make one undo step.
//
// Index layout: masks are Uint8Array labels (0 = background), voxel (i, j, k) at i + j*nx + k*nx*ny
// (i fastest). A box is half-open in voxel indices, [i0, i1) x [j0, j1) x [k0, k1), written
// [i0, i1, j0, j1, k0, k1]; patch data holds its labels i fastest, then j, then k.

import type { Vec3 } from '../geometry/affine';

/** [i0, i1, j0, j1, k0, k1]: voxels i0 <= i < i1, j0 <= j < j1, k0 <= k < k1. */
export type Box = [number, number, number, number, number, number];

/** Structurally the contract's MaskPatch (core imports nothing outside core). */
export interface MaskPatch {
  box: Box;
  data: Uint8Array;
}

/** One finished edit: what the box holds after it (patch) and before it (inverse). */
export interface EditResult {
  patch: MaskPatch;
  inverse: MaskPatch;
  /** Voxels whose label changed. */
  changed: number;
}

export function boxVoxels(b: Box): number {
  return Math.max(0, b[1] - b[0]) * Math.max(0, b[3] - b[2]) * Math.max(0, b[5] - b[4]);
}

/** The box inside the grid and non-empty, and the data of the right length; else a reason. */
export function patchProblem(dims: Vec3, p: MaskPatch): string | null {
  const [i0, i1, j0, j1, k0, k1] = p.box;
  if (!p.box.every((x) => Number.isInteger(x))) return 'patch box must hold integers';
  if (i0 < 0 || j0 < 0 || k0 < 0 || i1 > dims[0] || j1 > dims[1] || k1 > dims[2]) {
    return `patch box [${p.box.join(', ')}] lies outside the ${dims.join('×')} grid`;
  }
  if (i1 <= i0 || j1 <= j0 || k1 <= k0) return `patch box [${p.box.join(', ')}] is empty`;
  if (p.data.length !== boxVoxels(p.box)) {
    return `patch data holds ${p.data.length} labels, its box ${boxVoxels(p.box)}`;
  }
  return null;
}

/** Copies the labels of a box out of a mask. */
export function extractPatch(mask: Uint8Array, dims: Vec3, box: Box): MaskPatch {
  const [i0, i1, j0, j1, k0, k1] = box;
  const w = i1 - i0;
  const nx = dims[0];
  const nxy = dims[0] * dims[1];
  const data = new Uint8Array(boxVoxels(box));
  let o = 0;
  // Whole rows (and whole slices when the box spans i and j) are contiguous in the mask.
  if (w === nx && j0 === 0 && j1 === dims[1]) {
    data.set(mask.subarray(k0 * nxy, k1 * nxy));
    return { box: [...box], data };
  }
  for (let k = k0; k < k1; k++) {
    for (let j = j0; j < j1; j++) {
      const start = i0 + j * nx + k * nxy;
      data.set(mask.subarray(start, start + w), o);
      o += w;
    }
  }
  return { box: [...box], data };
}

/** Writes a patch's labels into a mask (the box must lie inside the grid: see patchProblem). */
export function applyPatch(mask: Uint8Array, dims: Vec3, p: MaskPatch): void {
  const [i0, i1, j0, j1, k0, k1] = p.box;
  const w = i1 - i0;
  const nx = dims[0];
  const nxy = dims[0] * dims[1];
  if (w === nx && j0 === 0 && j1 === dims[1]) {
    mask.set(p.data, k0 * nxy);
    return;
  }
  let o = 0;
  for (let k = k0; k < k1; k++) {
    for (let j = j0; j < j1; j++) {
      mask.set(p.data.subarray(o, o + w), i0 + j * nx + k * nxy);
      o += w;
    }
  }
}

/** The patch that undoes `p` on this mask: the labels its box holds now (call before applying `p`). */
export function inverseOf(mask: Uint8Array, dims: Vec3, p: MaskPatch): MaskPatch {
  return extractPatch(mask, dims, p.box);
}

/** Applies a patch and returns the edit it made (with its inverse), or null when no label changed. */
export function applyWithInverse(mask: Uint8Array, dims: Vec3, p: MaskPatch): EditResult | null {
  const inverse = inverseOf(mask, dims, p);
  let changed = 0;
  for (let n = 0; n < p.data.length; n++) if (p.data[n] !== inverse.data[n]) changed++;
  if (changed === 0) return null;
  applyPatch(mask, dims, p);
  return { patch: { box: [...p.box], data: p.data.slice() }, inverse, changed };
}

/**
 * Re-bases an edit onto a mask that changed meanwhile (another window saved first): in the edit's box, the
 * voxels the edit changed (before != after) take the edit's label, every other voxel keeps the new mask's
 * label. So a conflict never reverts someone else's voxels that this edit did not touch.
 */
export function rebaseEdit(mask: Uint8Array, dims: Vec3, before: MaskPatch, after: MaskPatch): MaskPatch {
  const current = extractPatch(mask, dims, after.box);
  const data = current.data;
  for (let n = 0; n < data.length; n++) {
    if (after.data[n] !== before.data[n]) data[n] = after.data[n]!;
  }
  return { box: [...after.box], data };
}

/** Voxel count per label value present in a mask (label 0 included). */
export function labelCounts(mask: Uint8Array): Map<number, number> {
  const counts = new Float64Array(256);
  for (let n = 0; n < mask.length; n++) {
    const v = mask[n]!;
    counts[v] = counts[v]! + 1;
  }
  const out = new Map<number, number>();
  for (let v = 0; v < 256; v++) if (counts[v]! > 0) out.set(v, counts[v]!);
  return out;
}

/** The edit that turns mask `before` into mask `after` (same grid): the box of their differences. */
export function diffMasks(before: Uint8Array, after: Uint8Array, dims: Vec3): EditResult | null {
  const [nx, ny, nz] = dims;
  let i0 = Infinity;
  let i1 = -1;
  let j0 = Infinity;
  let j1 = -1;
  let k0 = Infinity;
  let k1 = -1;
  let changed = 0;
  let idx = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, idx++) {
        if (before[idx] === after[idx]) continue;
        changed++;
        if (i < i0) i0 = i;
        if (i > i1) i1 = i;
        if (j < j0) j0 = j;
        if (j > j1) j1 = j;
        if (k < k0) k0 = k;
        if (k > k1) k1 = k;
      }
    }
  }
  if (changed === 0) return null;
  const box: Box = [i0, i1 + 1, j0, j1 + 1, k0, k1 + 1];
  return { patch: extractPatch(after, dims, box), inverse: extractPatch(before, dims, box), changed };
}
