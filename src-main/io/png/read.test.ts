// PNG reader tests on PNGs written in code by a minimal encoder (any colour type and bit depth, filter 0),
// so that every stored sample is known.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, InputError } from '../../core/errors';
import { readPng } from './read';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-png-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});
let n = 0;

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  const typed = Uint8Array.from([...type].map((c) => c.charCodeAt(0)));
  out.set(typed, 4);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(Uint8Array.from([...typed, ...data])));
  return out;
}

interface PngSpec {
  width: number;
  height: number;
  depth: 1 | 2 | 4 | 8 | 16;
  colourType: 0 | 2 | 3 | 4 | 6;
  /** Samples per pixel in channel order (grey; grey+alpha; R,G,B; R,G,B,A; palette index), row by row. */
  samples: number[];
  palette?: [number, number, number][];
  trns?: Uint8Array;
}

/** Encodes a PNG (no interlace, filter type 0 on every row). */
function encodePng(s: PngSpec): Uint8Array {
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[s.colourType];
  const rowBits = s.width * channels * s.depth;
  const rowBytes = Math.ceil(rowBits / 8);
  const raw = new Uint8Array(s.height * (rowBytes + 1));
  for (let y = 0; y < s.height; y++) {
    const row = raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1));
    for (let x = 0; x < s.width * channels; x++) {
      const v = s.samples[y * s.width * channels + x]!;
      if (s.depth === 16) {
        row[2 * x] = v >> 8;
        row[2 * x + 1] = v & 0xff;
      } else if (s.depth === 8) row[x] = v;
      else {
        const bit = x * s.depth;
        row[bit >> 3]! |= v << (8 - s.depth - (bit & 7));
      }
    }
  }
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, s.width);
  dv.setUint32(4, s.height);
  ihdr[8] = s.depth;
  ihdr[9] = s.colourType;
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (s.palette) parts.push(chunk('PLTE', Uint8Array.from(s.palette.flat())));
  if (s.trns) parts.push(chunk('tRNS', s.trns));
  parts.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0)));
  const out = new Uint8Array(parts.reduce((k, p) => k + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function write(bytes: Uint8Array): string {
  const f = path.join(dir, `img${n++}.png`);
  fs.writeFileSync(f, bytes);
  return f;
}

describe('readPng: greyscale PNGs as single-slice volumes', () => {
  it('8-bit grey: dims [w, h, 1], i = column, j = row, identity affine, stored values', async () => {
    // 3 columns x 2 rows; value = 10 * row + column.
    const file = write(
      encodePng({ width: 3, height: 2, depth: 8, colourType: 0, samples: [0, 1, 2, 10, 11, 12] }),
    );
    const v = await readPng(file);
    expect(v.geometry.dims).toEqual([3, 2, 1]);
    expect(v.geometry.affineLPS).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(v.scalarType).toBe('uint8');
    expect(Array.from(v.data)).toEqual([0, 1, 2, 10, 11, 12]);
    expect(v.data[2 + 1 * 3]).toBe(12); // column 2, row 1
    expect(v.rescale).toEqual({ slope: 1, intercept: 0 });
    expect(v.source).toEqual({ format: 'png', files: [file], description: path.basename(file) });
  });

  it('16-bit grey keeps its 16-bit values (not rescaled to 8 bits)', async () => {
    const samples = [0, 255, 256, 40000, 65535, 1234];
    const v = await readPng(write(encodePng({ width: 2, height: 3, depth: 16, colourType: 0, samples })));
    expect(v.scalarType).toBe('uint16');
    expect(Array.from(v.data)).toEqual(samples);
  });

  it('1-bit and 4-bit grey keep their raw levels (a 1-bit mask stays 0/1)', async () => {
    const mask = [1, 0, 0, 1, 1, 1, 0, 0, 1];
    expect(
      Array.from(
        (await readPng(write(encodePng({ width: 9, height: 1, depth: 1, colourType: 0, samples: mask }))))
          .data,
      ),
    ).toEqual(mask);
    const nib = [0, 15, 7, 3];
    expect(
      Array.from(
        (await readPng(write(encodePng({ width: 2, height: 2, depth: 4, colourType: 0, samples: nib }))))
          .data,
      ),
    ).toEqual(nib);
  });

  it('grey + alpha: alpha is dropped, even where it is 0', async () => {
    const v = await readPng(
      write(encodePng({ width: 2, height: 1, depth: 8, colourType: 4, samples: [100, 0, 200, 255] })),
    );
    expect(Array.from(v.data)).toEqual([100, 200]);
  });

  it('a tRNS transparent grey level does not change the values', async () => {
    const v = await readPng(
      write(
        encodePng({
          width: 3,
          height: 1,
          depth: 8,
          colourType: 0,
          samples: [5, 9, 5],
          trns: Uint8Array.from([0, 5]),
        }),
      ),
    );
    expect(Array.from(v.data)).toEqual([5, 9, 5]);
  });

  it('RGB, RGBA and palette images are accepted when every pixel is grey (R = G = B)', async () => {
    const rgb = await readPng(
      write(encodePng({ width: 2, height: 1, depth: 8, colourType: 2, samples: [7, 7, 7, 250, 250, 250] })),
    );
    expect(Array.from(rgb.data)).toEqual([7, 250]);
    const rgb16 = await readPng(
      write(encodePng({ width: 1, height: 1, depth: 16, colourType: 6, samples: [3000, 3000, 3000, 1] })),
    );
    expect(rgb16.scalarType).toBe('uint16');
    expect(Array.from(rgb16.data)).toEqual([3000]);
    const pal = await readPng(
      write(
        encodePng({
          width: 3,
          height: 1,
          depth: 8,
          colourType: 3,
          samples: [1, 0, 1],
          palette: [
            [0, 0, 0],
            [90, 90, 90],
          ],
        }),
      ),
    );
    expect(Array.from(pal.data)).toEqual([90, 0, 90]); // palette grey levels, not indices
  });

  it('colour is refused with InputError naming the first colour pixel', async () => {
    const rgb = write(
      encodePng({ width: 2, height: 1, depth: 8, colourType: 2, samples: [7, 7, 7, 250, 0, 250] }),
    );
    await expect(readPng(rgb)).rejects.toThrow(
      /colour PNG \(RGB, pixel 1,0 is not grey\): Concord reads greyscale images only/,
    );
    const pal = write(
      encodePng({ width: 1, height: 1, depth: 8, colourType: 3, samples: [0], palette: [[255, 0, 0]] }),
    );
    await expect(readPng(pal)).rejects.toBeInstanceOf(InputError);
  });
});

describe('readPng: bad input', () => {
  const good = encodePng({ width: 4, height: 4, depth: 8, colourType: 0, samples: new Array(16).fill(3) });

  it('not a PNG, truncated, corrupt CRC, missing file: InputError', async () => {
    await expect(readPng(write(Uint8Array.from([1, 2, 3, 4])))).rejects.toThrow(/not a PNG file/);
    await expect(readPng(write(good.subarray(0, good.length - 20)))).rejects.toBeInstanceOf(InputError);
    const badCrc = good.slice();
    badCrc[33 + 10]! ^= 0xff; // inside IDAT data
    await expect(readPng(write(badCrc))).rejects.toThrow(/not a valid PNG/);
    await expect(readPng(path.join(dir, 'missing.png'))).rejects.toThrow(/no such file/);
  });

  /** `good` with its IHDR claiming width x height (CRC fixed): a small file whose header asks for a lot. */
  function claiming(width: number, height: number): Uint8Array {
    const png = good.slice();
    const dv = new DataView(png.buffer);
    dv.setUint32(16, width);
    dv.setUint32(20, height);
    dv.setUint32(29, crc32(png.subarray(12, 29)));
    return png;
  }

  it('a header claiming 100000 x 100000 pixels is refused before decoding (voxel limit, then memory)', async () => {
    const file = write(claiming(100000, 100000));
    await expect(readPng(file)).rejects.toThrow(
      `${file}: 100000x100000x1 = 10000000000 voxels, more than the limit of 268435456 voxels`,
    );
    await expect(readPng(file, { maxVoxels: 1e10 })).rejects.toThrow(/a 100000x100000 PNG would need/);
  });

  it('a width or height of 0 is refused', async () => {
    await expect(readPng(write(claiming(0, 4)))).rejects.toThrow(/invalid PNG size 0x4/);
    await expect(readPng(write(claiming(4, 0)))).rejects.toThrow(/invalid PNG size 4x0/);
  });

  it('a small file claiming 20000 x 20000 pixels is refused from its IHDR, before anything is inflated', async () => {
    const decode = vi.spyOn(PNG.sync, 'read');
    const file = write(claiming(20000, 20000));
    const err = await readPng(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(
      `${file}: 20000x20000x1 = 400000000 voxels, more than the limit of 268435456 voxels; ` +
        'to read it, raise the limit (--max-voxels 400000000 or CONCORD_MAX_VOXELS=400000000)',
    );
    expect(decode).not.toHaveBeenCalled();
  });

  it('the limit (option, else CONCORD_MAX_VOXELS) counts width x height', async () => {
    const decode = vi.spyOn(PNG.sync, 'read');
    const file = write(good);
    await expect(readPng(file, { maxVoxels: 15 })).rejects.toThrow(
      /4x4x1 = 16 voxels, more than the limit of 15/,
    );
    expect(decode).not.toHaveBeenCalled();
    expect((await readPng(file, { maxVoxels: 16 })).data.length).toBe(16);
    expect(decode).toHaveBeenCalledTimes(1); // (the spy sees the reader's decoder)
    vi.stubEnv('CONCORD_MAX_VOXELS', '15');
    await expect(readPng(file)).rejects.toThrow(/more than the limit of 15 voxels/);
  });

  it('an aborted signal throws CancelledError', async () => {
    const c = new AbortController();
    c.abort();
    await expect(readPng(write(good), { signal: c.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});
