// The stored form of a *delta* revision: one patch (a box and the labels it holds after the edit) over the
// revision it rests on, and how a chain of them is read back onto a snapshot (mask-codec.ts).
//
//   offset  size  field (little-endian)
//        0     4  magic "CMSD"
//        4     1  version = 1
//        5     1  encoding: 1 = run-length + deflate, 2 = raw labels + deflate (as mask-codec.ts)
//        6     2  reserved = 0
//        8    12  nx, ny, nz (u32 each): the whole mask's voxels along i, j, k
//       20    24  box i0, i1, j0, j1, k0, k1 (u32 each), half-open, inside the grid, not empty
//       44     4  payload length in bytes (everything after the header)
//       48     4  CRC-32 of the payload
//       52     4  CRC-32 of bytes 0..51 (the header above)
//
// The payload is the box's labels, i fastest, then j, then k (core/labelling/patch.ts's MaskPatch), run-
// length coded exactly as a snapshot's (encodeRuns: the runs cover the box's voxels, not the mask's).
//
// Why: a brush stroke changes a few thousand voxels of a 78 M-voxel mask. Storing the patch alone costs
// what the stroke changed; storing the whole mask again costs what the mask holds, which grows with every
// stroke (services/masks/mask-store.ts says how the chains are bounded). The magic differs from a
// snapshot's, so a delta handed to decodeMask by mistake is refused ("not a Concord mask"), never misread.
// Decoding never trusts the blob: sizes, checksums, the box and the runs are checked before a byte is
// written out, and inflation is bounded.
import { constants as bufferConstants } from 'node:buffer';
import zlib from 'node:zlib';
import type { Vec3 } from '../core/geometry/affine';
import { applyPatch, boxVoxels, patchProblem } from '../core/labelling/patch';
import type { Box, MaskPatch } from '../core/labelling/patch';
import { decodeMask, decodeRuns, encodeRuns, MASK_MAGIC, MaskCodecError } from './mask-codec';

export const DELTA_MAGIC = 0x44534d43; // "CMSD" read as a little-endian u32
export const DELTA_HEADER_BYTES = 56;
const VERSION = 1;
const RLE = 1;
const RAW = 2;

function crc32(bytes: Uint8Array): number {
  return zlib.crc32(bytes) >>> 0;
}

/** 'snapshot' (mask-codec.ts), 'delta' (this file), or null for anything else; reads the magic only. */
export function maskBlobKind(bytes: Uint8Array): 'snapshot' | 'delta' | null {
  if (bytes.length < 4) return null;
  const magic = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  return magic === MASK_MAGIC ? 'snapshot' : magic === DELTA_MAGIC ? 'delta' : null;
}

/** The stored form of `patch` on a mask of `dims` (the patch must fit the grid: patchProblem). */
export function encodeMaskDelta(patch: MaskPatch, dims: Vec3): Uint8Array {
  const why = patchProblem(dims, patch);
  if (why) throw new MaskCodecError(`cannot store this patch: ${why}`);
  const { runs } = encodeRuns(patch.data);
  const encoding = runs.length <= patch.data.length ? RLE : RAW;
  const payload = zlib.deflateSync(encoding === RLE ? runs : patch.data, { level: 6 });
  const out = new Uint8Array(DELTA_HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, DELTA_MAGIC, true);
  out[4] = VERSION;
  out[5] = encoding;
  for (let a = 0; a < 3; a++) view.setUint32(8 + 4 * a, dims[a]!, true);
  for (let b = 0; b < 6; b++) view.setUint32(20 + 4 * b, patch.box[b]!, true);
  view.setUint32(44, payload.length, true);
  view.setUint32(48, crc32(payload), true);
  view.setUint32(52, crc32(out.subarray(0, 52)), true);
  out.set(payload, DELTA_HEADER_BYTES);
  return out;
}

/** The patch a delta holds; `expected` (the volume's dims) must match. Throws MaskCodecError when damaged. */
export function decodeMaskDelta(bytes: Uint8Array, expected: Vec3): MaskPatch {
  if (maskBlobKind(bytes) !== 'delta') throw new MaskCodecError('not a Concord mask delta (bad magic)');
  if (bytes.length < DELTA_HEADER_BYTES) {
    throw new MaskCodecError('mask delta is damaged: shorter than its header');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (crc32(bytes.subarray(0, 52)) !== view.getUint32(52, true)) {
    throw new MaskCodecError('mask delta is damaged: header checksum mismatch');
  }
  if (bytes[4] !== VERSION) throw new MaskCodecError(`mask delta version ${bytes[4]} is not supported`);
  const dims: Vec3 = [view.getUint32(8, true), view.getUint32(12, true), view.getUint32(16, true)];
  if (dims.join() !== expected.join()) {
    throw new MaskCodecError(
      `the stored delta is of a ${dims.join('x')} mask, its volume ${expected.join('x')}`,
    );
  }
  const box = Array.from({ length: 6 }, (_, b) => view.getUint32(20 + 4 * b, true)) as Box;
  const [i0, i1, j0, j1, k0, k1] = box;
  if (!(i0 < i1 && i1 <= dims[0] && j0 < j1 && j1 <= dims[1] && k0 < k1 && k1 <= dims[2])) {
    throw new MaskCodecError(`mask delta is damaged: box [${box.join(', ')}] does not fit ${dims.join('x')}`);
  }
  const n = boxVoxels(box);
  const encoding = bytes[5];
  if (encoding !== RLE && encoding !== RAW)
    throw new MaskCodecError(`unknown mask delta encoding ${encoding}`);
  if (view.getUint32(44, true) !== bytes.length - DELTA_HEADER_BYTES) {
    throw new MaskCodecError('mask delta is damaged: truncated or padded');
  }
  const payload = bytes.subarray(DELTA_HEADER_BYTES);
  if (crc32(payload) !== view.getUint32(48, true)) {
    throw new MaskCodecError('mask delta is damaged: payload checksum mismatch');
  }
  // A run costs at most 6 bytes and covers at least one voxel: more output than that is a bomb.
  const limit = Math.min(encoding === RLE ? 6 * n : n, bufferConstants.MAX_LENGTH);
  let inflated: Buffer;
  try {
    inflated = zlib.inflateSync(payload, { maxOutputLength: limit });
  } catch (e) {
    throw new MaskCodecError(`mask delta is damaged: ${(e as Error).message}`);
  }
  const data = new Uint8Array(n);
  if (encoding === RAW) {
    if (inflated.length !== n) throw new MaskCodecError('mask delta is damaged: wrong number of labels');
    data.set(inflated);
  } else {
    decodeRuns(inflated, data);
  }
  return { box, data };
}

/**
 * The labels of a revision stored as a chain: its nearest snapshot (mask-codec.ts) and the deltas after it,
 * oldest first, each applied over the labels before it. `into`: where to write (e.g. shared memory).
 */
export function decodeMaskChain(
  snapshot: Uint8Array,
  deltas: readonly Uint8Array[],
  dims: Vec3,
  into?: Uint8Array,
): Uint8Array {
  const labels = decodeMask(snapshot, dims, into).labels;
  for (const d of deltas) applyPatch(labels, dims, decodeMaskDelta(d, dims));
  return labels;
}
