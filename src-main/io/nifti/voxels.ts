// Turning the raw voxel bytes (already in their final ArrayBuffer) into a typed array: byte swapping in
// place when the file's byte order differs from this machine's, and the int64/uint64 conversion described in
// datatypes.ts. No whole-volume copy except int64 -> int32, which needs a buffer half the size (peak 1.5x).

import os from 'node:os';
import { voxelView, type ScalarType, type VoxelArray } from '../../core/volume/types';
import type { DiskType } from './datatypes';

export const HOST_LITTLE_ENDIAN = os.endianness() === 'LE';

/** Reverses the byte order of every element of `size` bytes, in place (native Buffer.swapNN). */
export function swapBytesInPlace(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (size === 2) buf.swap16();
  else if (size === 4) buf.swap32();
  else if (size === 8) buf.swap64();
  else throw new Error(`cannot swap ${size}-byte elements`);
}

export interface DecodedVoxels {
  scalarType: ScalarType;
  data: VoxelArray;
}

/**
 * Interprets `buffer` (exactly voxelCount * type.bytes bytes, host byte order) as the voxels of `type`.
 * 64-bit integers: int32 when every value is within [-2^31, 2^31 - 1], else float64 (converted in place).
 */
export function decodeVoxels(buffer: ArrayBuffer, type: DiskType, voxelCount: number): DecodedVoxels {
  if (type.scalarType)
    return { scalarType: type.scalarType, data: voxelView(type.scalarType, buffer, 0, voxelCount) };
  const words = new Int32Array(buffer, 0, voxelCount * 2);
  const lo = HOST_LITTLE_ENDIAN ? 0 : 1; // index of the low 32-bit word of each 64-bit value
  const hi = 1 - lo;
  const signed = type.int64 === 'signed';
  let fitsInt32 = true;
  for (let i = 0; i < voxelCount; i++) {
    const l = words[2 * i + lo]!;
    const h = words[2 * i + hi]!;
    // A signed value fits when the high word is the sign extension of the low one; an unsigned one when the
    // high word is 0 and the low word has its top bit clear.
    if (signed ? h !== l >> 31 : h !== 0 || l < 0) {
      fitsInt32 = false;
      break;
    }
  }
  if (fitsInt32) {
    const out = new Int32Array(voxelCount);
    for (let i = 0; i < voxelCount; i++) out[i] = words[2 * i + lo]!;
    return { scalarType: 'int32', data: out };
  }
  // value = high * 2^32 + unsigned(low); element i is read before it is overwritten (same 8 bytes).
  const out = new Float64Array(buffer, 0, voxelCount);
  for (let i = 0; i < voxelCount; i++) {
    const l = words[2 * i + lo]! >>> 0;
    const h = signed ? words[2 * i + hi]! : words[2 * i + hi]! >>> 0;
    out[i] = h * 4294967296 + l;
  }
  return { scalarType: 'float64', data: out };
}
