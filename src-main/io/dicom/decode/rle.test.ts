import { describe, expect, it } from 'vitest';
import { RleError, decodeRle } from './rle';

/** An RLE frame: 64-byte header (segment count + offsets) then the segments. */
function frame(segments: number[][]): Uint8Array {
  const header = new Uint8Array(64);
  const dv = new DataView(header.buffer);
  dv.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((s, i) => {
    dv.setUint32(4 + 4 * i, offset, true);
    offset += s.length;
  });
  return Uint8Array.from([...header, ...segments.flat()]);
}

describe('RLE Lossless (PackBits per byte plane)', () => {
  it('decodes literal runs, repeat runs and the -128 no-op of an 8-bit frame', () => {
    // 2x4 pixels: literal [1,2,3] (n=2), no-op (-128 = 0x80), repeat 9 x5 (n=-4 = 0xfc).
    const out = decodeRle(frame([[2, 1, 2, 3, 0x80, 0xfc, 9]]), 2, 4, 8, 1);
    expect(Array.from(out)).toEqual([1, 2, 3, 9, 9, 9, 9, 9]);
  });

  it('16-bit: segment 0 holds the high bytes, segment 1 the low bytes; output is little-endian', () => {
    const high = [0xff, 0x12]; // repeat 0x12 twice (n = -1)
    const low = [1, 0x34, 0x56]; // literal two bytes
    const out = decodeRle(frame([high, low]), 1, 2, 16, 1);
    expect(Array.from(new Uint16Array(out.buffer))).toEqual([0x1234, 0x1256]);
  });

  it('32-bit uses four segments, most significant first', () => {
    const out = decodeRle(
      frame([
        [0, 0x01],
        [0, 0x02],
        [0, 0x03],
        [0, 0x04],
      ]),
      1,
      1,
      32,
      1,
    );
    expect(new DataView(out.buffer).getUint32(0, true)).toBe(0x01020304);
  });

  it('stops at the pixel count when an encoder pads its segment', () => {
    const out = decodeRle(frame([[0xfd, 7, 0]]), 1, 3, 8, 1); // repeat 7 x4, then padding
    expect(Array.from(out)).toEqual([7, 7, 7]);
  });

  it('refuses short segments, wrong segment counts and runs past the data', () => {
    expect(() => decodeRle(frame([[0xfe, 5]]), 2, 2, 8, 1)).toThrow(/segment decodes to 3 bytes, 4 expected/);
    expect(() => decodeRle(frame([[0xfd, 5]]), 2, 2, 16, 1)).toThrow(/1 RLE segments, 2 expected/);
    expect(() => decodeRle(frame([[5, 1, 2]]), 2, 3, 8, 1)).toThrow(RleError);
    expect(() => decodeRle(new Uint8Array(10), 1, 1, 8, 1)).toThrow(/shorter than the 64-byte RLE header/);
  });
});
