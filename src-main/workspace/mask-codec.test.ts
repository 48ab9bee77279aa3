// The stored mask format: round trips of every shape of mask, the compression it is for, and refusal of
// damaged or hostile bytes (each with one clear line, before allocating more than the mask).
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../core/geometry/affine';
import {
  decodeMask,
  decodeRuns,
  encodeMask,
  encodeMaskCounted,
  encodeRuns,
  MASK_HEADER_BYTES,
  MaskCodecError,
} from './mask-codec';

function sphereMask(dims: Vec3, centre: Vec3, radius: number, label = 1, into?: Uint8Array): Uint8Array {
  const [nx, ny, nz] = dims;
  const out = into ?? new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const d = Math.hypot(i - centre[0], j - centre[1], k - centre[2]);
        if (d <= radius) out[i + j * nx + k * nx * ny] = label;
      }
  return out;
}

/** A stored mask built by hand: header with correct checksums around any payload. */
function frame(dims: Vec3, encoding: number, payload: Uint8Array, version = 1): Uint8Array {
  const out = new Uint8Array(MASK_HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  out.set([0x43, 0x4d, 0x53, 0x4b]);
  out[4] = version;
  out[5] = encoding;
  view.setUint32(8, dims[0], true);
  view.setUint32(12, dims[1], true);
  view.setUint32(16, dims[2], true);
  view.setUint32(20, payload.length, true);
  view.setUint32(24, zlib.crc32(payload) >>> 0, true);
  view.setUint32(28, zlib.crc32(out.subarray(0, 28)) >>> 0, true);
  out.set(payload, MASK_HEADER_BYTES);
  return out;
}

function runs(...pairs: [number, number][]): Uint8Array {
  const bytes: number[] = [];
  for (const [v, n] of pairs) {
    bytes.push(v);
    let r = n;
    while (r >= 0x80) {
      bytes.push((r & 0x7f) | 0x80);
      r = Math.floor(r / 128);
    }
    bytes.push(r);
  }
  return new Uint8Array(bytes);
}

describe('mask codec round trips', () => {
  const cases: [string, Vec3, (n: number) => Uint8Array][] = [
    ['an empty mask', [7, 5, 3], (n) => new Uint8Array(n)],
    ['a full mask of label 255', [8, 8, 8], (n) => new Uint8Array(n).fill(255)],
    ['one voxel (stored raw: its run takes more bytes)', [1, 1, 1], () => new Uint8Array([3])],
    [
      'a length not a multiple of 4',
      [3, 3, 3],
      (n) => Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 2 : 0)),
    ],
    [
      'two labels in spheres',
      [40, 30, 20],
      () => sphereMask([40, 30, 20], [25, 15, 10], 6, 2, sphereMask([40, 30, 20], [10, 10, 10], 5)),
    ],
    [
      'noise (stored raw)',
      [33, 17, 9],
      (n) => Uint8Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 29),
    ],
  ];
  for (const [name, dims, make] of cases) {
    it(`keeps ${name} exactly`, () => {
      const labels = make(dims[0] * dims[1] * dims[2]);
      const { bytes: stored, counts } = encodeMaskCounted(labels, dims);
      expect(stored[5]).toBe(name.includes('raw') ? 2 : 1); // the encoding byte
      const want = new Float64Array(256);
      for (const v of labels) want[v]!++;
      expect([...counts]).toEqual([...want]);
      const back = decodeMask(stored, dims);
      expect(back.dims).toEqual(dims);
      expect(Buffer.from(back.labels).equals(Buffer.from(labels))).toBe(true);
    });
  }

  it('encodes a view at an odd byte offset the same as an aligned copy', () => {
    const dims: Vec3 = [16, 16, 4];
    const labels = sphereMask(dims, [8, 8, 2], 5, 4);
    const shifted = new Uint8Array(labels.length + 1);
    shifted.set(labels, 1);
    const view = shifted.subarray(1);
    expect(Buffer.from(encodeRuns(view).runs).equals(Buffer.from(encodeRuns(labels).runs))).toBe(true);
    expect(Buffer.from(decodeMask(encodeMask(view, dims)).labels).equals(Buffer.from(labels))).toBe(true);
  });

  it('writes runs longer than 2^21 voxels with multi-byte lengths and reads them back', () => {
    const labels = new Uint8Array(3_000_001);
    labels[3_000_000] = 9;
    const { runs: stream, counts } = encodeRuns(labels);
    expect([...stream]).toEqual([...runs([0, 3_000_000], [9, 1])]);
    expect([counts[0], counts[9]]).toEqual([3_000_000, 1]);
    const out = new Uint8Array(labels.length);
    decodeRuns(stream, out);
    expect(out[3_000_000]).toBe(9);
    expect(out[2_999_999]).toBe(0);
  });

  it('compresses a nodule-sized blob in a CT-sized slab to a tiny fraction of its voxels', () => {
    const dims: Vec3 = [512, 512, 16];
    const labels = sphereMask(dims, [300, 200, 8], 12);
    const stored = encodeMask(labels, dims);
    expect(stored.length).toBeLessThan(labels.length / 500);
  });
});

describe('mask codec refuses damaged or hostile data', () => {
  const dims: Vec3 = [10, 10, 10];
  const good = encodeMask(sphereMask(dims, [5, 5, 5], 3), dims);

  const refusals: [string, () => Uint8Array, RegExp][] = [
    ['too short for a header', () => good.subarray(0, 20), /shorter than its header/],
    ['a foreign file', () => Uint8Array.from(good, (b, i) => (i === 0 ? 0x50 : b)), /not a Concord mask/],
    ['a flipped header bit', () => Uint8Array.from(good, (b, i) => (i === 9 ? b ^ 1 : b)), /header checksum/],
    [
      'a flipped payload bit',
      () => Uint8Array.from(good, (b, i) => (i === good.length - 3 ? b ^ 0x10 : b)),
      /payload checksum/,
    ],
    ['truncation', () => good.subarray(0, good.length - 1), /truncated or padded/],
    ['a newer format version', () => frame(dims, 1, zlib.deflateSync(runs([0, 1000])), 2), /version 2/],
    [
      'an unknown encoding',
      () => frame(dims, 7, zlib.deflateSync(runs([0, 1000]))),
      /unknown mask encoding 7/,
    ],
    ['zero dims', () => frame([0, 10, 10], 1, zlib.deflateSync(runs())), /impossible dims/],
    ['dims over 2^32 voxels', () => frame([65535, 65535, 2], 1, zlib.deflateSync(runs())), /impossible dims/],
    [
      'runs past the end',
      () => frame(dims, 1, zlib.deflateSync(runs([0, 999], [1, 2]))),
      /do not match the mask size/,
    ],
    ['runs short of the end', () => frame(dims, 1, zlib.deflateSync(runs([0, 999]))), /do not cover/],
    ['a zero-length run', () => frame(dims, 1, zlib.deflateSync(runs([1, 0], [0, 1000]))), /do not match/],
    ['a run cut short', () => frame(dims, 1, zlib.deflateSync(new Uint8Array([0, 0x80]))), /cut short/],
    [
      'a six-byte run length',
      () => frame(dims, 1, zlib.deflateSync(new Uint8Array([0, 0x80, 0x80, 0x80, 0x80, 0x80, 1]))),
      /too long/,
    ],
    ['a payload that is not deflate', () => frame(dims, 1, new Uint8Array([1, 2, 3, 4])), /damaged/],
    [
      'raw labels of the wrong count',
      () => frame(dims, 2, zlib.deflateSync(new Uint8Array(999))),
      /wrong number of labels/,
    ],
    // 64 MiB of zeros deflates to ~64 KiB: inflation stops at the mask's size instead of allocating it all.
    ['a deflate bomb', () => frame(dims, 2, zlib.deflateSync(new Uint8Array(64 * 2 ** 20))), /damaged/],
  ];
  for (const [name, make, message] of refusals) {
    it(`refuses ${name}`, () => {
      const bytes = make();
      expect(() => decodeMask(bytes)).toThrow(MaskCodecError);
      expect(() => decodeMask(bytes)).toThrow(message);
    });
  }

  it("refuses a mask whose dims are not its volume's", () => {
    expect(() => decodeMask(good, [10, 10, 11])).toThrow(/10x10x10, its volume 10x10x11/);
  });

  it('refuses to encode labels that do not fill the dims', () => {
    expect(() => encodeMask(new Uint8Array(5), [2, 2, 2])).toThrow(/5 voxels, dims 2x2x2 need 8/);
  });
});
