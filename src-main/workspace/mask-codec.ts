// The stored form of a mask revision: a 32-byte header, then the labels compressed.
//
//   offset  size  field (little-endian)
//        0     4  magic "CMSK"
//        4     1  version = 1
//        5     1  encoding: 1 = run-length + deflate, 2 = raw labels + deflate (noisy masks, where runs
//                 would be longer than the labels)
//        6     2  reserved = 0
//        8    12  nx, ny, nz (u32 each): voxels along i, j, k
//       20     4  payload length in bytes (everything after the header)
//       24     4  CRC-32 of the payload
//       28     4  CRC-32 of bytes 0..27 (the header above)
//
// Labels are in voxel order i + j*nx + k*nx*ny (i fastest). The run-length stream is a sequence of runs,
// each one byte (the label) followed by the run length as an unsigned LEB128 varint (1..2^32-1, at most 5
// bytes); runs cover every voxel exactly once. The payload is zlib (deflate) data.
//
// Why: a 512x512x300 mask is 75 MiB raw; a few blobs of nodules compress to tens of KiB, so a revision is
// cheap to write (and fsync) on every stroke. Decoding never trusts the blob: sizes, checksums and runs
// are checked before a byte is written out, and inflation is bounded.
import { constants as bufferConstants } from 'node:buffer';
import zlib from 'node:zlib';
import type { Vec3 } from '../core/geometry/affine';

export const MASK_MAGIC = 0x4b534d43; // "CMSK" read as a little-endian u32
export const MASK_HEADER_BYTES = 32;
const VERSION = 1;
const RLE = 1;
const RAW = 2;
/** Largest mask, in voxels, a single Uint8Array holds here (and the run lengths can express). */
export const MAX_MASK_VOXELS = 2 ** 32 - 1;

export class MaskCodecError extends Error {
  override readonly name = 'MaskCodecError';
}

/** A growable byte buffer for the run stream. */
class ByteSink {
  bytes: Uint8Array;
  length = 0;
  constructor(initial: number) {
    this.bytes = new Uint8Array(Math.max(64, initial));
  }
  reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
}

/** Bytes compared at once (natively) while a run goes on: long runs of background cost a memcmp. */
const CHUNK = 4096;

/** The run-length stream of `labels` (see the format above), and the voxel count of each label 0..255. */
export function encodeRuns(labels: Uint8Array): { runs: Uint8Array; counts: Float64Array } {
  const n = labels.length;
  const sink = new ByteSink(4096);
  const counts = new Float64Array(256);
  const asBuffer = Buffer.from(labels.buffer, labels.byteOffset, labels.byteLength);
  const filled = new Map<number, Buffer>();
  // Then four voxels at a time where the array is 4-byte aligned, then one at a time.
  const words =
    labels.byteOffset % 4 === 0 ? new Uint32Array(labels.buffer, labels.byteOffset, n >>> 2) : null;
  const wordEnd = n >>> 2;
  let p = 0;
  while (p < n) {
    const v = labels[p]!;
    let q = p + 1;
    if (q + CHUNK <= n && labels[q] === v && labels[q + CHUNK - 1] === v) {
      let chunk = filled.get(v);
      if (!chunk) filled.set(v, (chunk = Buffer.alloc(CHUNK, v)));
      while (q + CHUNK <= n && asBuffer.compare(chunk, 0, CHUNK, q, q + CHUNK) === 0) q += CHUNK;
    }
    while (q < n && (q & 3) !== 0 && labels[q] === v) q++;
    if (words !== null && (q & 3) === 0) {
      const pattern = (v * 0x01010101) >>> 0;
      let w = q >>> 2;
      while (w < wordEnd && words[w] === pattern) w++;
      q = w << 2;
    }
    while (q < n && labels[q] === v) q++;
    sink.reserve(6);
    const out = sink.bytes;
    let at = sink.length;
    out[at++] = v;
    let run = q - p;
    counts[v]! += run;
    while (run >= 0x80) {
      out[at++] = (run & 0x7f) | 0x80;
      run = Math.floor(run / 128);
    }
    out[at++] = run;
    sink.length = at;
    p = q;
  }
  return { runs: sink.bytes.subarray(0, sink.length), counts };
}

/** Fills `out` from a run-length stream; throws MaskCodecError unless the runs cover `out` exactly. */
export function decodeRuns(stream: Uint8Array, out: Uint8Array): void {
  const n = out.length;
  let at = 0;
  let p = 0;
  while (p < stream.length) {
    const v = stream[p++]!;
    let run = 0;
    let scale = 1;
    for (let b = 0; ; b++) {
      if (p >= stream.length) throw new MaskCodecError('mask data is damaged: a run is cut short');
      if (b === 5) throw new MaskCodecError('mask data is damaged: a run length is too long');
      const byte = stream[p++]!;
      run += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) break;
    }
    if (run === 0 || at + run > n) {
      throw new MaskCodecError('mask data is damaged: the runs do not match the mask size');
    }
    if (v !== 0) out.fill(v, at, at + run);
    at += run;
  }
  if (at !== n) throw new MaskCodecError('mask data is damaged: the runs do not cover the mask');
}

function crc32(bytes: Uint8Array): number {
  return zlib.crc32(bytes) >>> 0;
}

function voxelsOf(dims: Vec3): number {
  return dims[0] * dims[1] * dims[2];
}

/** Encodes a mask (labels i fastest, length nx*ny*nz) to its stored form. */
export function encodeMask(labels: Uint8Array, dims: Vec3): Uint8Array {
  return encodeMaskCounted(labels, dims).bytes;
}

/** encodeMask, and the voxel count of each label value 0..255 (counted on the way). */
export function encodeMaskCounted(
  labels: Uint8Array,
  dims: Vec3,
): { bytes: Uint8Array; counts: Float64Array } {
  const n = voxelsOf(dims);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 1) || n > MAX_MASK_VOXELS) {
    throw new MaskCodecError(`cannot store a mask of dims ${dims.join('x')}`);
  }
  if (labels.length !== n) {
    throw new MaskCodecError(`the mask has ${labels.length} voxels, dims ${dims.join('x')} need ${n}`);
  }
  const { runs, counts } = encodeRuns(labels);
  // Noise (e.g. a thresholded model output) can make runs longer than the labels: store those raw.
  const encoding = runs.length <= n ? RLE : RAW;
  const payload = zlib.deflateSync(encoding === RLE ? runs : labels, { level: 6 });
  const out = new Uint8Array(MASK_HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, MASK_MAGIC, true);
  out[4] = VERSION;
  out[5] = encoding;
  view.setUint32(8, dims[0], true);
  view.setUint32(12, dims[1], true);
  view.setUint32(16, dims[2], true);
  view.setUint32(20, payload.length, true);
  view.setUint32(24, crc32(payload), true);
  view.setUint32(28, crc32(out.subarray(0, 28)), true);
  out.set(payload, MASK_HEADER_BYTES);
  return { bytes: out, counts };
}

/** The dims a stored mask declares (header checked, payload not decoded). */
export function maskDims(bytes: Uint8Array): Vec3 {
  if (bytes.length < MASK_HEADER_BYTES)
    throw new MaskCodecError('mask data is damaged: shorter than its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MASK_MAGIC) throw new MaskCodecError('not a Concord mask (bad magic)');
  if (crc32(bytes.subarray(0, 28)) !== view.getUint32(28, true)) {
    throw new MaskCodecError('mask data is damaged: header checksum mismatch');
  }
  if (bytes[4] !== VERSION) throw new MaskCodecError(`mask format version ${bytes[4]} is not supported`);
  const dims: Vec3 = [view.getUint32(8, true), view.getUint32(12, true), view.getUint32(16, true)];
  if (dims.some((d) => d < 1) || voxelsOf(dims) > MAX_MASK_VOXELS) {
    throw new MaskCodecError(`mask data is damaged: impossible dims ${dims.join('x')}`);
  }
  return dims;
}

/**
 * Decodes a stored mask. `expected` (the volume's dims) must match the header when given. Throws
 * MaskCodecError (one line) for anything damaged or foreign, before allocating more than the mask.
 */
export function decodeMask(
  bytes: Uint8Array,
  expected?: Vec3,
  /** Where to write the labels (e.g. a view on a SharedArrayBuffer); default: a new array. */
  into?: Uint8Array,
): { dims: Vec3; labels: Uint8Array } {
  const dims = maskDims(bytes);
  if (expected && dims.join() !== expected.join()) {
    throw new MaskCodecError(`the stored mask is ${dims.join('x')}, its volume ${expected.join('x')}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const encoding = bytes[5];
  if (encoding !== RLE && encoding !== RAW) throw new MaskCodecError(`unknown mask encoding ${encoding}`);
  const payloadLength = view.getUint32(20, true);
  if (payloadLength !== bytes.length - MASK_HEADER_BYTES) {
    throw new MaskCodecError('mask data is damaged: truncated or padded');
  }
  const payload = bytes.subarray(MASK_HEADER_BYTES);
  if (crc32(payload) !== view.getUint32(24, true)) {
    throw new MaskCodecError('mask data is damaged: payload checksum mismatch');
  }
  const n = voxelsOf(dims);
  // A run costs at most 6 bytes and covers at least one voxel: more output than that is a bomb.
  const limit = Math.min(encoding === RLE ? 6 * n : n, bufferConstants.MAX_LENGTH);
  let inflated: Buffer;
  try {
    inflated = zlib.inflateSync(payload, { maxOutputLength: limit });
  } catch (e) {
    throw new MaskCodecError(`mask data is damaged: ${(e as Error).message}`);
  }
  if (into && into.length !== n) {
    throw new MaskCodecError(`the output has ${into.length} voxels, the stored mask ${n}`);
  }
  const labels = into ?? new Uint8Array(n);
  if (into) labels.fill(0); // decodeRuns writes only the non-zero runs
  if (encoding === RAW) {
    if (inflated.length !== n) throw new MaskCodecError('mask data is damaged: wrong number of labels');
    labels.set(inflated);
  } else {
    decodeRuns(inflated, labels);
  }
  return { dims, labels };
}
