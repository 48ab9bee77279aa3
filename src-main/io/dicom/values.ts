// Turns raw pixel samples (native pixel data or a decoded frame: BitsAllocated-wide cells, little- or
// big-endian) into stored values in a typed array:
//  - BitsAllocated 8 / 16 / 32 -> (u)int8 / (u)int16 / (u)int32, signed when PixelRepresentation is 1;
//  - when HighBit is not BitsStored - 1, the value is shifted down to bit 0 and masked to BitsStored bits;
//  - signed values narrower than their cell (e.g. 12 bits stored in 16) are masked to BitsStored bits and
//    sign-extended from bit BitsStored - 1, so that whatever the upper bits held, -1 stays -1;
//  - unsigned values are kept as stored (as pydicom and dcm2niix do): upper bits are not masked.
import type { ScalarType, VoxelArray } from '../../core/volume/types';
import type { PixelFormat } from './types';

export function storedType(p: PixelFormat): ScalarType {
  const signed = p.pixelRepresentation === 1;
  switch (p.bitsAllocated) {
    case 8:
      return signed ? 'int8' : 'uint8';
    case 16:
      return signed ? 'int16' : 'uint16';
    case 32:
      return signed ? 'int32' : 'uint32';
    default:
      throw new Error(`BitsAllocated ${p.bitsAllocated} has no stored type`);
  }
}

/**
 * Writes `count` samples from `src` into `out[0 .. count)`; `out` must be a typed array of storedType(p)
 * (typically a subarray of the volume at the slice's offset). Throws when `src` is too short.
 */
export function writeStored(
  src: Uint8Array,
  p: PixelFormat,
  bigEndian: boolean,
  out: VoxelArray,
  count: number,
): void {
  const bpp = p.bitsAllocated / 8;
  const nbytes = count * bpp;
  if (src.length < nbytes)
    throw new Error(`pixel data has ${src.length} bytes for this frame, ${nbytes} expected`);
  const outBytes = new Uint8Array(out.buffer, out.byteOffset, nbytes);
  if (!bigEndian || bpp === 1) {
    outBytes.set(src.subarray(0, nbytes));
  } else {
    for (let i = 0; i < nbytes; i += bpp) {
      for (let b = 0; b < bpp; b++) outBytes[i + b] = src[i + bpp - 1 - b]!;
    }
  }
  const shift = p.highBit + 1 - p.bitsStored;
  const signedNarrow = p.pixelRepresentation === 1 && p.bitsStored < p.bitsAllocated;
  if (shift <= 0 && !signedNarrow) return;
  const raw =
    bpp === 1
      ? new Uint8Array(out.buffer, out.byteOffset, count)
      : bpp === 2
        ? new Uint16Array(out.buffer, out.byteOffset, count)
        : new Uint32Array(out.buffer, out.byteOffset, count);
  const mask = p.bitsStored >= 32 ? -1 : 2 ** p.bitsStored - 1;
  const ext = 32 - p.bitsStored;
  const signed = p.pixelRepresentation === 1;
  for (let i = 0; i < count; i++) {
    let v = (raw[i]! >>> Math.max(0, shift)) & mask;
    if (signed) v = (v << ext) >> ext;
    out[i] = v;
  }
}

/** out[i] = stored[i] * slope + intercept (physical values, float32), for series whose rescale varies by slice. */
export function writePhysical(stored: VoxelArray, slope: number, intercept: number, out: Float32Array): void {
  for (let i = 0; i < stored.length; i++) out[i] = stored[i]! * slope + intercept;
}
