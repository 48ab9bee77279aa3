// The stored delta format: patches round trip in every shape (noise stored raw), a chain of deltas over a
// snapshot gives what applying the patches gives, and damaged or foreign bytes are refused with one line.
// A delta and a snapshot are never taken for each other.
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../core/geometry/affine';
import { applyPatch, boxVoxels } from '../core/labelling/patch';
import type { Box, MaskPatch } from '../core/labelling/patch';
import { decodeMask, encodeMask, MaskCodecError } from './mask-codec';
import {
  DELTA_HEADER_BYTES,
  decodeMaskChain,
  decodeMaskDelta,
  encodeMaskDelta,
  maskBlobKind,
} from './mask-codec-delta';

const DIMS: Vec3 = [20, 16, 12];

/** A seeded generator (xorshift32). */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

function randomPatch(rand: (n: number) => number, dims: Vec3, noisy: boolean): MaskPatch {
  const box: number[] = [];
  for (const n of dims) {
    const size = 1 + rand(n);
    const lo = rand(n - size + 1);
    box.push(lo, lo + size);
  }
  const data = new Uint8Array(boxVoxels(box as Box));
  const label = 1 + rand(3);
  for (let v = 0; v < data.length; v++) data[v] = noisy ? rand(4) : v % 7 < 4 ? label : 0;
  return { box: box as Box, data };
}

describe('mask delta codec', () => {
  it('round-trips patches of every shape, tidy and noisy, and says which blob is which', () => {
    const rand = rng(11);
    for (let n = 0; n < 50; n++) {
      const p = randomPatch(rand, DIMS, n % 2 === 1);
      const bytes = encodeMaskDelta(p, DIMS);
      expect(bytes[5]).toBe(n % 2 === 1 ? 2 : 1); // noise is stored raw
      const back = decodeMaskDelta(bytes, DIMS);
      expect(back.box).toEqual(p.box);
      expect(Buffer.from(back.data).equals(Buffer.from(p.data))).toBe(true);
      expect(maskBlobKind(bytes)).toBe('delta');
    }
    expect(maskBlobKind(encodeMask(new Uint8Array(20 * 16 * 12), DIMS))).toBe('snapshot');
    expect(maskBlobKind(new Uint8Array([1, 2, 3, 4, 5]))).toBeNull();
  });

  it('a chain over a snapshot decodes to the patches applied in order, into shared memory too', () => {
    const rand = rng(5);
    const base = new Uint8Array(20 * 16 * 12);
    for (let v = 0; v < base.length; v += 3) base[v] = 2;
    const expected = base.slice();
    const deltas: Uint8Array[] = [];
    for (let n = 0; n < 20; n++) {
      const p = randomPatch(rand, DIMS, n % 5 === 0);
      applyPatch(expected, DIMS, p);
      deltas.push(encodeMaskDelta(p, DIMS));
    }
    const snapshot = encodeMask(base, DIMS);
    expect(Buffer.from(decodeMaskChain(snapshot, deltas, DIMS)).equals(Buffer.from(expected))).toBe(true);
    const shared = new Uint8Array(new SharedArrayBuffer(base.length)).fill(9);
    decodeMaskChain(snapshot, deltas, DIMS, shared);
    expect(Buffer.from(shared).equals(Buffer.from(expected))).toBe(true);
    // No deltas: the snapshot itself.
    expect(Buffer.from(decodeMaskChain(snapshot, [], DIMS)).equals(Buffer.from(base))).toBe(true);
  });

  it('refuses a patch that does not fit the grid', () => {
    expect(() => encodeMaskDelta({ box: [0, 21, 0, 1, 0, 1], data: new Uint8Array(21) }, DIMS)).toThrow(
      MaskCodecError,
    );
    expect(() => encodeMaskDelta({ box: [0, 2, 0, 1, 0, 1], data: new Uint8Array(3) }, DIMS)).toThrow(
      /patch data holds 3 labels/,
    );
  });

  it('refuses damaged, foreign or mismatched bytes with one line', () => {
    const p: MaskPatch = { box: [2, 6, 3, 5, 1, 4], data: new Uint8Array(4 * 2 * 3).fill(1) };
    const good = encodeMaskDelta(p, DIMS);
    const flip = (at: number) => {
      const b = good.slice();
      b[at]! ^= 0xff;
      return b;
    };
    expect(() => decodeMaskDelta(good.subarray(0, 20), DIMS)).toThrow(/shorter than its header/);
    expect(() => decodeMaskDelta(flip(0), DIMS)).toThrow(/bad magic/);
    expect(() => decodeMaskDelta(flip(24), DIMS)).toThrow(/header checksum mismatch/);
    expect(() => decodeMaskDelta(flip(good.length - 1), DIMS)).toThrow(/payload checksum mismatch/);
    expect(() => decodeMaskDelta(good.subarray(0, good.length - 1), DIMS)).toThrow(/truncated or padded/);
    expect(() => decodeMaskDelta(good, [20, 16, 13])).toThrow(/of a 20x16x12 mask, its volume 20x16x13/);
    // A box off the grid, with correct checksums: refused before any label is written.
    const off = good.slice();
    const view = new DataView(off.buffer);
    view.setUint32(24, 40, true); // i1 = 40 > nx
    view.setUint32(52, zlib.crc32(off.subarray(0, 52)) >>> 0, true);
    expect(() => decodeMaskDelta(off, DIMS)).toThrow(/box \[2, 40, 3, 5, 1, 4\] does not fit/);
    // A payload whose runs cover more than the box.
    const long = good.slice(0, DELTA_HEADER_BYTES);
    const payload = zlib.deflateSync(new Uint8Array([1, 30]));
    const framed = new Uint8Array(DELTA_HEADER_BYTES + payload.length);
    framed.set(long);
    framed.set(payload, DELTA_HEADER_BYTES);
    const fv = new DataView(framed.buffer);
    fv.setUint32(44, payload.length, true);
    fv.setUint32(48, zlib.crc32(payload) >>> 0, true);
    fv.setUint32(52, zlib.crc32(framed.subarray(0, 52)) >>> 0, true);
    expect(() => decodeMaskDelta(framed, DIMS)).toThrow(/runs do not match the mask size/);
    // Neither format reads the other.
    expect(() => decodeMask(good, DIMS)).toThrow(/not a Concord mask/);
    expect(() => decodeMaskDelta(encodeMask(new Uint8Array(20 * 16 * 12), DIMS), DIMS)).toThrow(
      /not a Concord mask delta/,
    );
  });
});
