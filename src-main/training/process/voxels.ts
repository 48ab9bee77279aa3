// Reads a raw voxel file (a workspace voxel blob, or a temporary copy of an image read from disk) as a
// typed array: little-endian, i fastest (i + j*nx + k*nx*ny), of the given scalar type.
import fs from 'node:fs';
import type { ScalarType } from '../../core/volume/types';

const VIEWS = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

export interface VoxelFile {
  voxelsFile: string;
  scalarType: ScalarType;
  dims: [number, number, number];
}

export function readVoxels(v: VoxelFile): ArrayLike<number> {
  const bytes = fs.readFileSync(v.voxelsFile);
  const View = VIEWS[v.scalarType];
  const n = v.dims[0] * v.dims[1] * v.dims[2];
  if (bytes.byteLength !== n * View.BYTES_PER_ELEMENT) {
    throw new Error(`${v.voxelsFile}: ${bytes.byteLength} bytes, expected ${n * View.BYTES_PER_ELEMENT}`);
  }
  const aligned = new Uint8Array(bytes.byteLength);
  aligned.set(bytes);
  return new View(aligned.buffer);
}
