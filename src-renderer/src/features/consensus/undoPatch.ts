// The patch that undoes a decision: the box (half-open voxel indices, [i0, i1, j0, j1, k0, k1]) of every
// voxel whose label differs between `before` and `after`, holding the labels of `before` (i fastest within
// the box, as MaskPatch). Null when nothing differs. Pure: tested in Node.
import type { Vec3 } from '../../../../src-main/core/geometry/affine';
import type { MaskPatch } from '../../../../src-preload/contract';

export function undoPatch(before: Uint8Array, after: Uint8Array, dims: Vec3): MaskPatch | null {
  const [nx, ny, nz] = dims;
  if (before.length !== nx * ny * nz || after.length !== before.length)
    throw new RangeError(`masks of ${before.length} and ${after.length} labels do not fit ${dims.join('×')}`);
  let i0 = nx;
  let i1 = -1;
  let j0 = ny;
  let j1 = -1;
  let k0 = nz;
  let k1 = -1;
  let idx = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, idx++) {
        if (before[idx] === after[idx]) continue;
        if (i < i0) i0 = i;
        if (i > i1) i1 = i;
        if (j < j0) j0 = j;
        if (j > j1) j1 = j;
        if (k < k0) k0 = k;
        if (k > k1) k1 = k;
      }
    }
  }
  if (i1 < 0) return null;
  const data = new Uint8Array((i1 - i0 + 1) * (j1 - j0 + 1) * (k1 - k0 + 1));
  let o = 0;
  for (let k = k0; k <= k1; k++)
    for (let j = j0; j <= j1; j++) {
      const row = j * nx + k * nx * ny;
      for (let i = i0; i <= i1; i++) data[o++] = before[row + i]!;
    }
  return { box: [i0, i1 + 1, j0, j1 + 1, k0, k1 + 1], data };
}
