// Records an operation's writes into a mask as it happens (a brush stroke is many dabs; a region grow one
// burst), so that when it ends we have its bounding box, the patch (labels after) and its inverse (labels
// before) for undo and for saving, without copying the mask.
//
// Index layout: mask[i + j*nx + k*nx*ny] (i fastest). One recorder per mask: its "touched" bit set has a bit
// per voxel (10 MB for 512×512×300) and is cleared after each operation, so it is allocated once.

import type { Vec3 } from '../geometry/affine';
import type { Box, EditResult } from './patch';
import { extractPatch } from './patch';
import type { PaintRule } from './paint-rule';
import { ruleTarget } from './paint-rule';

export class ChangeRecorder {
  readonly mask: Uint8Array;
  readonly dims: Vec3;
  private readonly touched: Uint32Array;
  private indices = new Int32Array(1024);
  private olds = new Uint8Array(1024);
  private count = 0;
  private i0 = Infinity;
  private i1 = -Infinity;
  private j0 = Infinity;
  private j1 = -Infinity;
  private k0 = Infinity;
  private k1 = -Infinity;

  constructor(mask: Uint8Array, dims: Vec3) {
    if (mask.length !== dims[0] * dims[1] * dims[2]) {
      throw new RangeError(
        `mask holds ${mask.length} labels, the ${dims.join('×')} grid needs more or fewer`,
      );
    }
    this.mask = mask;
    this.dims = dims;
    this.touched = new Uint32Array(Math.ceil(mask.length / 32));
  }

  /** Voxels written since the operation began (each counted once, even if written again). */
  get changed(): number {
    return this.count;
  }

  /** Writes `label` at flat index `idx`; returns whether the voxel changed. */
  write(idx: number, label: number): boolean {
    const mask = this.mask;
    const old = mask[idx]!;
    if (old === label) return false;
    const word = idx >>> 5;
    const bit = 1 << (idx & 31);
    if ((this.touched[word]! & bit) === 0) {
      this.touched[word] = this.touched[word]! | bit;
      if (this.count === this.indices.length) this.grow();
      this.indices[this.count] = idx;
      this.olds[this.count] = old;
      this.count++;
      const nx = this.dims[0];
      const nxy = nx * this.dims[1];
      const k = Math.floor(idx / nxy);
      const r = idx - k * nxy;
      const j = Math.floor(r / nx);
      const i = r - j * nx;
      if (i < this.i0) this.i0 = i;
      if (i > this.i1) this.i1 = i;
      if (j < this.j0) this.j0 = j;
      if (j > this.j1) this.j1 = j;
      if (k < this.k0) this.k0 = k;
      if (k > this.k1) this.k1 = k;
    }
    mask[idx] = label;
    return true;
  }

  /** Writes what the rule gives for this voxel; returns whether it changed. */
  apply(idx: number, rule: PaintRule): boolean {
    const t = ruleTarget(rule, this.mask[idx]!);
    return t >= 0 && this.write(idx, t);
  }

  /**
   * Writes every listed voxel through the rule (a region, a polygon, an interpolation): the same as
   * apply() per voxel, in one loop (tens of millions of voxels for a 3D operation). Returns the changes.
   */
  applyAll(list: ArrayLike<number>, rule: PaintRule): number {
    this.reserve(this.count + list.length);
    const mask = this.mask;
    const touched = this.touched;
    const indices = this.indices;
    const olds = this.olds;
    const nx = this.dims[0];
    const nxy = nx * this.dims[1];
    let { i0, i1, j0, j1, k0, k1, count } = this;
    let changed = 0;
    for (let n = 0; n < list.length; n++) {
      const idx = list[n]!;
      const old = mask[idx]!;
      const t = ruleTarget(rule, old);
      if (t < 0 || t === old) continue;
      changed++;
      mask[idx] = t;
      const word = idx >>> 5;
      const bit = 1 << (idx & 31);
      if ((touched[word]! & bit) !== 0) continue;
      touched[word] = touched[word]! | bit;
      indices[count] = idx;
      olds[count] = old;
      count++;
      const k = Math.floor(idx / nxy);
      const r = idx - k * nxy;
      const j = Math.floor(r / nx);
      const i = r - j * nx;
      if (i < i0) i0 = i;
      if (i > i1) i1 = i;
      if (j < j0) j0 = j;
      if (j > j1) j1 = j;
      if (k < k0) k0 = k;
      if (k > k1) k1 = k;
    }
    Object.assign(this, { i0, i1, j0, j1, k0, k1, count });
    return changed;
  }

  /** Ends the operation: its patch and inverse, or null when nothing changed in the end. */
  finish(): EditResult | null {
    if (this.count === 0) return null;
    const box: Box = [this.i0, this.i1 + 1, this.j0, this.j1 + 1, this.k0, this.k1 + 1];
    const patch = extractPatch(this.mask, this.dims, box);
    // The inverse is the box now, with every recorded voxel put back to its first-seen label.
    const inverse = extractPatch(this.mask, this.dims, box);
    const nx = this.dims[0];
    const nxy = nx * this.dims[1];
    const w = box[1] - box[0];
    const h = box[3] - box[2];
    let changed = 0;
    const indices = this.indices;
    const olds = this.olds;
    const inv = inverse.data;
    const after = patch.data;
    const [bi, , bj, , bk] = box;
    const wh = w * h;
    for (let n = 0, count = this.count; n < count; n++) {
      const idx = indices[n]!;
      const k = Math.floor(idx / nxy);
      const r = idx - k * nxy;
      const j = Math.floor(r / nx);
      const o = r - j * nx - bi + (j - bj) * w + (k - bk) * wh;
      const old = olds[n]!;
      inv[o] = old;
      if (after[o] !== old) changed++;
    }
    this.reset();
    // A stroke that painted and then erased the same voxels changes nothing.
    return changed === 0 ? null : { patch, inverse, changed };
  }

  /** Cancels the operation: every written voxel gets its label back. */
  revert(): void {
    for (let n = 0; n < this.count; n++) this.mask[this.indices[n]!] = this.olds[n]!;
    this.reset();
  }

  private reset(): void {
    for (let n = 0; n < this.count; n++) {
      const idx = this.indices[n]!;
      this.touched[idx >>> 5] = 0;
    }
    this.count = 0;
    this.i0 = this.j0 = this.k0 = Infinity;
    this.i1 = this.j1 = this.k1 = -Infinity;
    if (this.indices.length > 1 << 20) {
      this.indices = new Int32Array(1024);
      this.olds = new Uint8Array(1024);
    }
  }

  private grow(): void {
    this.reserve(this.indices.length * 2);
  }

  /** Room for at least `n` recorded voxels. */
  private reserve(n: number): void {
    if (n <= this.indices.length) return;
    const size = Math.max(n, this.indices.length * 2);
    const indices = new Int32Array(size);
    indices.set(this.indices.subarray(0, this.count));
    this.indices = indices;
    const olds = new Uint8Array(size);
    olds.set(this.olds.subarray(0, this.count));
    this.olds = olds;
  }
}

/** Writes every listed voxel through the rule; returns how many changed. */
export function applyToAll(rec: ChangeRecorder, indices: ArrayLike<number>, rule: PaintRule): number {
  return rec.applyAll(indices, rule);
}
