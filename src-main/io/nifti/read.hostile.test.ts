// Hostile and broken files, built here: each must give an InputError that names the file with a one-line
// reason, nothing else thrown, no partial volume, and bounded memory (a gzip bomb must not be inflated).
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../core/errors';
import { blankHeader, encodeHeader, type RawHeader } from './header';
import type { ReadOptions } from '../read-options';
import { readNifti } from './read';
import { concat, fileBytes, makeTempDir, removeTempDir, writeFile } from './test-support';

let dir: string;
beforeAll(() => {
  dir = makeTempDir();
});
afterAll(() => removeTempDir(dir));

/** A valid 10x10x10 uint8 NIfTI-1 header, patched. */
function header(patch: Partial<RawHeader> = {}): RawHeader {
  return { ...blankHeader('nifti1'), dim: [3, 10, 10, 10, 1, 1, 1, 1], sformCode: 1, ...patch };
}

const voxels = (n = 1000): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i % 251);

/** readNifti must reject with an InputError for `file`, one line, whose reason matches `reason`. */
async function expectRefused(file: string, reason: RegExp, opts: ReadOptions = {}): Promise<InputError> {
  const result = await readNifti(file, opts).then(
    (v) => ({ volume: v }),
    (e: unknown) => ({ error: e }),
  );
  expect('volume' in result, 'no volume may come back').toBe(false);
  const err = (result as { error: unknown }).error;
  expect(err).toBeInstanceOf(InputError);
  const e = err as InputError;
  expect(e.file).toBe(file);
  expect(e.message).toContain(file);
  expect(e.message).not.toContain('\n');
  expect(e.reason).toMatch(reason);
  return e;
}

function put(name: string, bytes: Uint8Array, gzip = false): string {
  return writeFile(path.join(dir, name), bytes, gzip);
}

const good = (): Uint8Array => fileBytes(header(), voxels(), 1);

describe('truncated and corrupt files', () => {
  it('an empty file', async () => {
    await expectRefused(put('empty.nii', new Uint8Array(0)), /too short/);
  });

  it('a header cut at 200 bytes (plain and gzip)', async () => {
    await expectRefused(
      put('cut-header.nii', good().subarray(0, 200)),
      /truncated inside the 348-byte header/,
    );
    await expectRefused(
      put('cut-header.nii.gz', good().subarray(0, 200), true),
      /truncated inside the 348-byte header/,
    );
  });

  it('voxel data cut short (plain: refused before allocating; gzip: when the data ends)', async () => {
    await expectRefused(
      put('cut-data.nii', good().subarray(0, 352 + 500)),
      /needs 1000 bytes of voxels from byte 352/,
    );
    await expectRefused(
      put('cut-data.nii.gz', good().subarray(0, 352 + 500), true),
      /truncated: expected 1000 bytes of the voxel data, found 500/,
    );
  });

  it('a gzip stream cut in the middle, and gzip magic followed by garbage', async () => {
    const gz = gzipSync(
      fileBytes(
        header(),
        Uint8Array.from({ length: 1000 }, () => Math.random() * 256),
        1,
      ),
    );
    await expectRefused(put('cut-stream.nii.gz', gz.subarray(0, gz.length >> 1)), /gzip data is truncated/);
    const garbage = concat([
      Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]),
      Uint8Array.from({ length: 500 }, (_, i) => (i * 37) & 0xff),
    ]);
    await expectRefused(put('garbage.nii.gz', garbage), /gzip data is (corrupt|truncated)/);
  });

  it('a gzip file with flipped bytes in its deflate data (checksum or stream error)', async () => {
    const gz = Uint8Array.from(gzipSync(good()));
    for (let i = 30; i < gz.length - 10; i += 7) gz[i] = gz[i]! ^ 0x5a;
    await expectRefused(put('flipped.nii.gz', gz), /gzip data is (corrupt|truncated)/);
  });
});

describe('bad vox_offset', () => {
  it('beyond the end of the file', async () => {
    const file = put(
      'off-beyond.nii',
      concat([encodeHeader(header({ voxOffset: 100000 })), new Uint8Array(1004)]),
    );
    await expectRefused(file, /vox_offset 100000 is beyond the end of the file \(1352 bytes\)/);
  });

  it('beyond the end of a gzip file', async () => {
    const bytes = concat([encodeHeader(header({ voxOffset: 100000 })), new Uint8Array(1004)]);
    await expectRefused(
      put('off-beyond.nii.gz', bytes, true),
      /truncated: expected 99652 bytes of the header extensions, found 1004/,
    );
  });

  it('negative, inside the header, fractional, absurd', async () => {
    await expectRefused(
      put('off-neg.nii', fileBytes(header({ voxOffset: -352 }), voxels(), 1)),
      /vox_offset is -352/,
    );
    await expectRefused(
      put('off-100.nii', concat([encodeHeader(header({ voxOffset: 100 })), voxels()])),
      /vox_offset is 100, inside the 348-byte header/,
    );
    await expectRefused(
      put('off-frac.nii', fileBytes(header({ voxOffset: 352.5 }), voxels(), 1)),
      /vox_offset is 352.5, expected a whole number/,
    );
    await expectRefused(
      put('off-huge.nii', concat([encodeHeader(header({ voxOffset: 3e9 })), voxels()])),
      /absurd offset/,
    );
  });
});

describe('bad dimensions', () => {
  it('negative and zero sizes, dim[0] out of 1..7', async () => {
    await expectRefused(
      put('dim-neg.nii', fileBytes(header({ dim: [3, 10, -5, 10, 1, 1, 1, 1] }), voxels(), 1)),
      /dim\[2\] is -5/,
    );
    await expectRefused(
      put('dim-zero.nii', fileBytes(header({ dim: [3, 0, 10, 10, 1, 1, 1, 1] }), voxels(), 1)),
      /dim\[1\] is 0/,
    );
    await expectRefused(
      put('dim0-9.nii', fileBytes(header({ dim: [9, 10, 10, 10, 1, 1, 1, 1] }), voxels(), 1)),
      /dim\[0\] .* is 9/,
    );
    await expectRefused(
      put('dim0-0.nii', fileBytes(header({ dim: [0, 10, 10, 10, 1, 1, 1, 1] }), voxels(), 1)),
      /dim\[0\] .* is 0/,
    );
  });

  it('sizes needing terabytes are refused before any allocation (NIfTI-1 and NIfTI-2)', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const n1 = header({ dim: [3, 32767, 32767, 32767, 1, 1, 1, 1], datatype: 64, bitpix: 64 });
    const tera1 = put('tera1.nii', fileBytes(n1, voxels(), 1));
    await expectRefused(tera1, /^32767x32767x32767 = 35181150961663 voxels, more than the limit/);
    // With the voxel limit lifted, the byte-size check still refuses it.
    const unlimited = { maxVoxels: Number.MAX_SAFE_INTEGER };
    await expectRefused(tera1, /would need/, unlimited);
    const n2: RawHeader = {
      ...blankHeader('nifti2'),
      dim: [4, 100000, 100000, 1000, 1000, 1, 1, 1],
      sformCode: 1,
    };
    const tera2 = put('tera2.nii', fileBytes(n2, voxels(), 1));
    await expectRefused(tera2, /more than the limit/);
    await expectRefused(tera2, /more than the limit|invalid size|would need/, unlimited);
    const absurd: RawHeader = { ...blankHeader('nifti2'), dim: [3, 2 ** 40, 1, 1, 1, 1, 1, 1], sformCode: 1 };
    await expectRefused(
      put('absurd.nii', fileBytes(absurd, voxels(), 1)),
      /dim\[1\] is 1099511627776, an absurd size/,
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 << 20);
  });

  it('5D images with a 5th dimension above 1', async () => {
    await expectRefused(
      put('five.nii', fileBytes(header({ dim: [5, 2, 2, 2, 2, 3, 1, 1] }), voxels(48), 1)),
      /5D image .* not supported/,
    );
  });
});

describe('the voxel limit (all frames counted)', () => {
  const fourD = (): Uint8Array => fileBytes(header({ dim: [4, 10, 10, 10, 5, 1, 1, 1] }), voxels(5000), 1);
  afterEach(() => vi.unstubAllEnvs());

  it('an image over the limit is refused naming its sizes; at the limit it is read', async () => {
    const file = put('4d.nii.gz', fourD(), true);
    await expect(readNifti(file, { maxVoxels: 4999 })).rejects.toThrow(
      `${file}: 10x10x10x5 = 5000 voxels, more than the limit of 4999 voxels; to read it, raise the limit (--max-voxels 5000 or CONCORD_MAX_VOXELS=5000)`,
    );
    expect((await readNifti(file, { maxVoxels: 5000 })).frames).toBe(5);
  });

  it('CONCORD_MAX_VOXELS sets the limit when the caller gives none', async () => {
    const file = put('4d-env.nii', fourD());
    vi.stubEnv('CONCORD_MAX_VOXELS', '10x10x10');
    await expectRefused(file, /10x10x10x5 = 5000 voxels, more than the limit of 1000 voxels/);
    expect((await readNifti(file, { maxVoxels: 5000 })).data.length).toBe(5000);
  });
});

describe('bad header fields', () => {
  it('NaN (or infinite) scl_inter with a valid scl_slope', async () => {
    await expectRefused(
      put('nan-inter.nii', fileBytes(header({ sclSlope: 2, sclInter: NaN }), voxels(), 1)),
      /invalid scl_inter \(NaN\)/,
    );
    await expectRefused(
      put('inf-inter.nii.gz', fileBytes(header({ sclSlope: 2, sclInter: -Infinity }), voxels(), 1), true),
      /invalid scl_inter/,
    );
  });

  it('RGB, complex, bit and unknown datatypes, named in the message', async () => {
    await expectRefused(
      put('rgb.nii', fileBytes(header({ datatype: 128, bitpix: 24 }), voxels(3000), 1)),
      /DT_RGB24 is not supported/,
    );
    await expectRefused(
      put('rgba.nii', fileBytes(header({ datatype: 2304, bitpix: 32 }), voxels(4000), 1)),
      /DT_RGBA32/,
    );
    await expectRefused(
      put('complex.nii', fileBytes(header({ datatype: 32, bitpix: 64 }), voxels(8000), 1)),
      /DT_COMPLEX64/,
    );
    await expectRefused(
      put('complex128.nii', fileBytes(header({ datatype: 1792, bitpix: 128 }), voxels(16000), 1)),
      /DT_COMPLEX128/,
    );
    await expectRefused(
      put('bit.nii', fileBytes(header({ datatype: 1, bitpix: 1 }), voxels(), 1)),
      /DT_BINARY/,
    );
    await expectRefused(
      put('code3.nii', fileBytes(header({ datatype: 3 }), voxels(), 1)),
      /unknown datatype code 3/,
    );
  });

  it('a singular sform and a non-unit qform quaternion', async () => {
    await expectRefused(
      put('singular.nii', fileBytes(header({ srow: new Array<number>(12).fill(0) }), voxels(), 1)),
      /sform affine is singular/,
    );
    const q = header({ sformCode: 0, qformCode: 1, quatern: [0.8, 0.8, 0.8] });
    await expectRefused(put('quat.nii', fileBytes(q, voxels(), 1)), /qform quaternion/);
  });

  it('NIfTI-2: damaged magic (text-mode transfer) and a 540 sizeof_hdr without the magic', async () => {
    const n2: RawHeader = { ...blankHeader('nifti2'), dim: [3, 10, 10, 10, 1, 1, 1, 1], sformCode: 1 };
    const bytes = fileBytes(n2, voxels(), 1);
    const damaged = bytes.slice();
    damaged[8] = 0x0a; // "\r\n" became "\n\n"
    await expectRefused(put('n2-damaged.nii', damaged), /NIfTI-2 magic is damaged/);
    const nomagic = bytes.slice();
    nomagic.fill(0, 4, 12);
    await expectRefused(put('n2-nomagic.nii', nomagic), /NIfTI-2 magic is missing/);
  });
});

describe('not NIfTI at all', () => {
  it('random bytes', async () => {
    const random = Uint8Array.from({ length: 4096 }, () => Math.floor(Math.random() * 256));
    random.set([1, 2, 3, 4], 0); // never 348 / 540 by chance
    await expectRefused(put('random.nii', random), /not a NIfTI or Analyze file/);
    await expectRefused(put('random.nii.gz', random, true), /not a NIfTI or Analyze file/);
  });

  it('a PNG renamed .nii', async () => {
    const png = new PNG({ width: 32, height: 32 });
    png.data.fill(200);
    await expectRefused(put('image.nii', new Uint8Array(PNG.sync.write(png))), /not a NIfTI or Analyze file/);
  });

  it('an Analyze-looking header (no NIfTI magic) in a .nii file', async () => {
    const a = fileBytes(
      { ...header(), format: 'analyze', singleFile: false, voxOffset: 0 },
      new Uint8Array(0),
      1,
    );
    await expectRefused(put('nomagic.nii', concat([a, new Uint8Array(4), voxels()])), /no NIfTI magic/);
  });

  it('a missing file, a folder, an .img without its .hdr', async () => {
    await expectRefused(path.join(dir, 'missing.nii.gz'), /file not found/);
    fs.mkdirSync(path.join(dir, 'folder.nii'));
    await expectRefused(path.join(dir, 'folder.nii'), /not a regular file|folder/);
    await expectRefused(put('orphan.img', voxels()), /no header found/);
  });

  it('an Analyze pair with an SPM .mat sidecar (its affine would override the header)', async () => {
    const a = { ...header(), format: 'analyze' as const, singleFile: false, voxOffset: 0, sformCode: 0 };
    const hdr = put('withmat.hdr', encodeHeader(a));
    put('withmat.img', voxels());
    put('withmat.mat', new Uint8Array(200));
    await expectRefused(hdr, /SPM \.mat file/);
  });
});

describe('gzip bombs and surplus data', () => {
  /** Largest RSS growth (bytes) while `run` is pending, sampled every 2 ms. */
  async function peakRssGrowth(run: () => Promise<unknown>): Promise<number> {
    const base = process.memoryUsage().rss;
    let peak = base;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 2);
    try {
      await run();
    } finally {
      clearInterval(timer);
    }
    return Math.max(peak, process.memoryUsage().rss) - base;
  }

  it('a header claiming 10x10x10 followed by 2 GiB of compressed zeros stops after one chunk', async () => {
    // 32 gzip members of 64 MiB of zeros each, after a valid member holding the header and the 1000 voxels:
    // a ~2 MB file that inflates to 2 GiB. (Concatenated members are one valid gzip stream.)
    const zeros = gzipSync(new Uint8Array(64 << 20), { level: 9 });
    const first = gzipSync(good());
    const file = put('bomb.nii.gz', concat([first, ...new Array<Uint8Array>(32).fill(zeros)]));
    expect(fs.statSync(file).size).toBeLessThan(4 << 20);
    const growth = await peakRssGrowth(() => expectRefused(file, /more bytes than the header describes/));
    expect(growth).toBeLessThan(128 << 20);
  });

  it('a single gzip member of 256 MiB after a 1000-voxel image is refused the same way', async () => {
    const bomb = gzipSync(concat([good(), new Uint8Array(256 << 20)]), { level: 9 });
    const file = put('bomb1.nii.gz', bomb);
    const growth = await peakRssGrowth(() => expectRefused(file, /more bytes than the header describes/));
    expect(growth).toBeLessThan(128 << 20);
  });

  it('the 1 GiB bomb: a valid header claiming 1024^3 uint8 voxels over 1 GiB of gzip zeros is refused from the header, before inflating', async () => {
    // The header (its own gzip member) then 16 members of 64 MiB of zeros: exactly the 2^30 voxel bytes the
    // header announces, so a reader without a voxel limit inflates all of it and returns a 1 GiB volume.
    const head = fileBytes(header({ dim: [3, 1024, 1024, 1024, 1, 1, 1, 1] }), new Uint8Array(0), 1);
    const zeros = gzipSync(new Uint8Array(64 << 20), { level: 9 });
    const file = put('bomb-1g.nii.gz', concat([gzipSync(head), ...new Array<Uint8Array>(16).fill(zeros)]));
    expect(fs.statSync(file).size).toBeLessThan(2 << 20);
    const buffersBefore = process.memoryUsage().arrayBuffers;
    const growth = await peakRssGrowth(async () => {
      const e = await expectRefused(
        file,
        /^1024x1024x1024 = 1073741824 voxels, more than the limit of 268435456 voxels; to read it, raise the limit \(--max-voxels 1073741824 or CONCORD_MAX_VOXELS=1073741824\)$/,
      );
      expect(e.message).toBe(`${file}: ${e.reason}`);
    });
    expect(growth).toBeLessThan(128 << 20);
    expect(process.memoryUsage().arrayBuffers - buffersBefore).toBeLessThan(16 << 20);
  });

  it('even a few surplus bytes after the voxels of a .nii.gz are refused (damaged header?)', async () => {
    await expectRefused(
      put('surplus.nii.gz', concat([good(), new Uint8Array(10)]), true),
      /more bytes than the header describes/,
    );
  });
});
