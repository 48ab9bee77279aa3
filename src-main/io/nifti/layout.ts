// What the header says about the voxel block: grid size, frames, on-disk type and byte count, and where the
// block starts. Everything is checked here, before any voxel memory is allocated.

import type { Vec3 } from '../../core/geometry/affine';
import { diskTypeOf, type DiskType } from './datatypes';
import type { RawHeader } from './header';

export interface Layout {
  /** Voxels along i, j, k (1 for missing dimensions of 1D/2D images). */
  dims: Vec3;
  /** Size of the 4th dimension (1 for 3D). */
  frames: number;
  type: DiskType;
  voxelCount: number;
  /** Bytes of voxel data on disk: voxelCount * type.bytes. */
  dataBytes: number;
  /** Byte offset of the first voxel in the file holding the data. */
  voxOffset: number;
}

/** Largest size accepted along one axis; 2^31 - 1 is already past what one typed array can hold. */
const MAX_AXIS = 2 ** 31 - 1;
/** Header extensions (between the header and the voxels) bigger than this are taken as a corrupt vox_offset. */
const MAX_VOX_OFFSET = 2 ** 30;

export type LayoutResult = { ok: true; layout: Layout } | { ok: false; reason: string };

export function layoutOf(h: RawHeader, headerBytes: number): LayoutResult {
  const ndim = h.dim[0]!;
  if (!Number.isInteger(ndim) || ndim < 1 || ndim > 7) {
    return { ok: false, reason: `dim[0] (number of dimensions) is ${ndim}, expected 1 to 7` };
  }
  const sizes: number[] = [];
  for (let i = 1; i <= ndim; i++) {
    const n = h.dim[i]!;
    if (!Number.isInteger(n) || n < 1)
      return { ok: false, reason: `dim[${i}] is ${n}, expected a size >= 1` };
    if (n > MAX_AXIS) return { ok: false, reason: `dim[${i}] is ${n}, an absurd size` };
    sizes.push(n);
  }
  // dim[5..7] (vector components, etc.) beyond the 4th dimension: accepted only when they are all 1.
  const extra = sizes.slice(4).reduce((a, b) => a * b, 1);
  if (extra > 1) {
    return {
      ok: false,
      reason: `${ndim}D image (dim = [${sizes.join(', ')}]) is not supported: Concord reads 3D and 4D images`,
    };
  }
  const lookup = diskTypeOf(h.datatype, h.format === 'analyze');
  if (!lookup.ok) return lookup;
  const dims: Vec3 = [sizes[0] ?? 1, sizes[1] ?? 1, sizes[2] ?? 1];
  const frames = sizes[3] ?? 1;
  const voxelCount = dims[0] * dims[1] * dims[2] * frames;
  const dataBytes = voxelCount * lookup.type.bytes;

  const off = h.voxOffset;
  if (!Number.isFinite(off) || !Number.isInteger(off) || off < 0) {
    return { ok: false, reason: `vox_offset is ${off}, expected a whole number of bytes >= 0` };
  }
  if (h.singleFile && off < headerBytes) {
    return {
      ok: false,
      reason: `vox_offset is ${off}, inside the ${headerBytes}-byte header`,
    };
  }
  if (off > MAX_VOX_OFFSET) return { ok: false, reason: `vox_offset is ${off}, an absurd offset` };
  return { ok: true, layout: { dims, frames, type: lookup.type, voxelCount, dataBytes, voxOffset: off } };
}
