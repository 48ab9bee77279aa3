// Reading the variants no peer file in resources/test-data covers, built byte by byte here: NIfTI-1/2 single
// files and pairs in both byte orders, gzipped or not, every datatype, 64-bit integers, Analyze (SPM2) pairs,
// header extensions, qform-only and code-less headers, 2D/5D shapes, progress and cancellation.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flipRasLps } from '../../core/geometry/affine';
import { CancelledError } from '../../core/errors';
import { blankHeader, type RawHeader } from './header';
import { readNifti, readNiftiHeader } from './read';
import { bytesOf, fileBytes, makeTempDir, maxAbsDiff, removeTempDir, writeFile } from './test-support';

let dir: string;
beforeAll(() => {
  dir = makeTempDir();
});
afterAll(() => removeTempDir(dir));

/** RAS sform of the test volumes: oblique-free but with every axis flipped or scaled differently. */
const SROW = [-0.5, 0, 0, 12.25, 0, 0.75, 0, -7.5, 0, 0, 2, 3.125];

function int16Volume(dims: number[]): Int16Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Int16Array(n);
  for (let i = 0; i < n; i++) data[i] = ((i * 7919) % 65536) - 32768; // every byte pattern, both signs
  return data;
}

function headerFor(format: RawHeader['format'], patch: Partial<RawHeader>): RawHeader {
  return {
    ...blankHeader(format),
    datatype: 4,
    bitpix: 16,
    sformCode: format === 'analyze' ? 0 : 1,
    srow: SROW,
    ...patch,
  };
}

describe('NIfTI-1 and NIfTI-2, single files and pairs, both byte orders, gzipped or not', () => {
  const dims = [3, 4, 5, 2];
  const data = int16Volume(dims);
  for (const format of ['nifti1', 'nifti2'] as const) {
    for (const littleEndian of [true, false]) {
      for (const single of [true, false]) {
        for (const gzip of [false, true]) {
          const name = `${format}-${littleEndian ? 'le' : 'be'}-${single ? 'single' : 'pair'}${gzip ? '-gz' : ''}`;
          it(name, async () => {
            const h = headerFor(format, {
              littleEndian,
              singleFile: single,
              dim: [4, ...dims, 1, 1, 1],
              voxOffset: single ? (format === 'nifti2' ? 544 : 352) : 0,
              sclSlope: 0.5,
              sclInter: -3,
            });
            const gz = gzip ? '.gz' : '';
            let file: string;
            if (single) {
              file = writeFile(path.join(dir, `${name}.nii${gz}`), fileBytes(h, bytesOf(data), 2), gzip);
            } else {
              file = writeFile(path.join(dir, `${name}.hdr${gz}`), fileBytes(h, new Uint8Array(0), 2), gzip);
              const img = fileBytes({ ...h, singleFile: true, voxOffset: 0 }, bytesOf(data), 2).subarray(
                format === 'nifti2' ? 540 : 348,
              );
              writeFile(path.join(dir, `${name}.img${gz}`), img, gzip);
            }
            const v = await readNifti(file);
            expect(v.scalarType).toBe('int16');
            expect(v.geometry.dims).toEqual([3, 4, 5]);
            expect(v.frames).toBe(2);
            expect(Array.from(v.data)).toEqual(Array.from(data));
            expect(v.rescale).toEqual({ slope: 0.5, intercept: -3 });
            expect(maxAbsDiff(flipRasLps(v.geometry.affineLPS), [...SROW, 0, 0, 0, 1])).toBe(0);
            expect(v.source.files).toEqual(single ? [file] : [file, file.replace('.hdr', '.img')]);
            expect(v.source.description).toBe(name);
            const info = await readNiftiHeader(file);
            expect([info.format, info.littleEndian]).toEqual([format, littleEndian]);
          });
        }
      }
    }
  }
});

describe('every datatype, big-endian', () => {
  const cases: [string, number, number, ArrayBufferView & ArrayLike<number>][] = [
    ['uint8', 2, 1, Uint8Array.from([0, 1, 127, 128, 255, 42, 7, 9])],
    ['int8', 256, 1, Int8Array.from([-128, -1, 0, 1, 127, 42, -42, 9])],
    ['int16', 4, 2, Int16Array.from([-32768, -1, 0, 1, 32767, 258, -258, 9])],
    ['uint16', 512, 2, Uint16Array.from([0, 1, 65535, 32768, 258, 4660, 7, 9])],
    ['int32', 8, 4, Int32Array.from([-(2 ** 31), -1, 0, 1, 2 ** 31 - 1, 16909060, -16909060, 9])],
    ['uint32', 768, 4, Uint32Array.from([0, 1, 2 ** 32 - 1, 2 ** 31, 16909060, 7, 8, 9])],
    ['float32', 16, 4, Float32Array.from([-1.5, 0, 1e-30, 3.4e38, NaN, -Infinity, 0.1, 9])],
    ['float64', 64, 8, Float64Array.from([-1.5, 0, 1e-300, 1.7e308, NaN, Infinity, 0.1, 9])],
  ];
  for (const [type, code, size, values] of cases) {
    it(`${type} (code ${code})`, async () => {
      const h = headerFor('nifti1', {
        littleEndian: false,
        datatype: code,
        bitpix: size * 8,
        dim: [3, 2, 2, 2, 1, 1, 1, 1],
      });
      const file = writeFile(path.join(dir, `be-${type}.nii`), fileBytes(h, bytesOf(values), size));
      const v = await readNifti(file);
      expect(v.scalarType).toBe(type);
      expect(Array.from(v.data)).toEqual(Array.from(values));
    });
  }
});

describe('64-bit integers', () => {
  async function read(code: number, values: BigInt64Array | BigUint64Array, littleEndian: boolean) {
    const h = headerFor('nifti1', {
      littleEndian,
      datatype: code,
      bitpix: 64,
      dim: [3, values.length, 1, 1, 1, 1, 1, 1],
    });
    const file = writeFile(
      path.join(dir, `i64-${code}-${littleEndian}.nii.gz`),
      fileBytes(h, bytesOf(values), 8),
      true,
    );
    return readNifti(file);
  }

  it('int64 that fit in int32 become int32 (both byte orders)', async () => {
    for (const le of [true, false]) {
      const v = await read(1024, BigInt64Array.from([0n, 1n, -1n, 2147483647n, -2147483648n, 5n]), le);
      expect(v.scalarType).toBe('int32');
      expect(Array.from(v.data)).toEqual([0, 1, -1, 2147483647, -2147483648, 5]);
    }
  });

  it('int64 beyond int32 become float64 (exact below 2^53)', async () => {
    for (const le of [true, false]) {
      const v = await read(
        1024,
        BigInt64Array.from([0n, -1n, 2147483648n, -(2n ** 52n) - 3n, 2n ** 53n]),
        le,
      );
      expect(v.scalarType).toBe('float64');
      expect(Array.from(v.data)).toEqual([0, -1, 2147483648, -(2 ** 52) - 3, 2 ** 53]);
    }
  });

  it('uint64: int32 when below 2^31, else float64', async () => {
    const small = await read(1280, BigUint64Array.from([0n, 7n, 2147483647n]), true);
    expect(small.scalarType).toBe('int32');
    expect(Array.from(small.data)).toEqual([0, 7, 2147483647]);
    const big = await read(1280, BigUint64Array.from([0n, 2147483648n, 2n ** 63n + 2048n]), false);
    expect(big.scalarType).toBe('float64');
    expect(Array.from(big.data)).toEqual([0, 2147483648, 2 ** 63 + 2048]);
  });
});

describe('Analyze 7.5 (SPM2) pairs, read as nibabel does', () => {
  const dims = [4, 3, 2];
  const data = int16Volume(dims);
  const analyze = (patch: Partial<RawHeader>): RawHeader =>
    headerFor('analyze', {
      singleFile: false,
      voxOffset: 0,
      dim: [3, ...dims, 1, 1, 1, 1],
      pixdim: [0, 2, 3, 4, 1, 1, 1, 1],
      ...patch,
    });

  function writePair(stem: string, h: RawHeader, hdrExt = '.hdr', imgExt = '.img'): string {
    const hdr = writeFile(
      path.join(dir, stem + hdrExt),
      fileBytes(h, new Uint8Array(0), 2),
      hdrExt.endsWith('.gz'),
    );
    const img = fileBytes({ ...h, singleFile: true, voxOffset: 0 }, bytesOf(data), 2).subarray(348);
    writeFile(path.join(dir, stem + imgExt), img, imgExt.endsWith('.gz'));
    return hdr;
  }

  it('SPM origin and funused1 scale factor (big-endian)', async () => {
    const file = writePair(
      'spm',
      analyze({ littleEndian: false, spmOrigin: [2, 1, 1], sclSlope: 0.25, sclInter: 0 }),
    );
    const v = await readNifti(file);
    expect(Array.from(v.data)).toEqual(Array.from(data));
    expect(v.rescale).toEqual({ slope: 0.25, intercept: 0 });
    // diag(-2, 3, 4), voxel (origin - 1) = (1, 0, 0) at world 0: translation (2, 0, 0) (RAS).
    expect(flipRasLps(v.geometry.affineLPS)).toEqual([-2, 0, 0, 2, 0, 3, 0, -0, 0, 0, 4, -0, 0, 0, 0, 1]);
    expect((await readNiftiHeader(file)).affineSource).toBe('spm-origin');
  });

  it('no origin: centred; no scale factor: glmax/glmin and cal_max/cal_min', async () => {
    const file = writePair('centre', analyze({ sclSlope: 0, glMax: 100, glMin: 0, calMax: 50, calMin: 0 }));
    const v = await readNifti(file);
    expect(v.rescale).toEqual({ slope: 0.5, intercept: 0 });
    expect(flipRasLps(v.geometry.affineLPS)).toEqual([-2, 0, 0, 3, 0, 3, 0, -3, 0, 0, 4, -2, 0, 0, 0, 1]);
  });

  it('upper-case .HDR/.IMG, opened by the .IMG name', async () => {
    const hdr = writePair('UPPER', analyze({}), '.HDR', '.IMG');
    const v = await readNifti(hdr.replace('.HDR', '.IMG'));
    expect(v.source.files).toEqual([hdr, hdr.replace('.HDR', '.IMG')]);
    expect(Array.from(v.data)).toEqual(Array.from(data));
  });

  it('gzipped halves: .hdr.gz + .img.gz, and .hdr + .img.gz', async () => {
    const both = writePair('gzboth', analyze({}), '.hdr.gz', '.img.gz');
    expect(Array.from((await readNifti(both)).data)).toEqual(Array.from(data));
    const mixed = writePair('gzmixed', analyze({}), '.hdr', '.img.gz');
    const v = await readNifti(mixed);
    expect(v.source.files[1]).toBe(mixed.replace('.hdr', '.img.gz'));
    expect(v.source.description).toBe('gzmixed');
  });

  it('Analyze datatypes outside the Analyze set (uint16 code 512) are refused, as nibabel does', async () => {
    const file = writePair('a512', analyze({ datatype: 512 }));
    await expect(readNifti(file)).rejects.toThrow(/does not exist in Analyze/);
  });
});

describe('header details', () => {
  const data = int16Volume([2, 3, 4]);

  it('header extensions between the header and vox_offset are skipped (plain and gzip)', async () => {
    const h = headerFor('nifti1', { dim: [3, 2, 3, 4, 1, 1, 1, 1], voxOffset: 1024 });
    const ext = new Uint8Array(1024 - 348).fill(0xab);
    ext.set([1, 0, 0, 0], 0);
    for (const gz of [false, true]) {
      const file = writeFile(
        path.join(dir, `ext${gz}.nii${gz ? '.gz' : ''}`),
        fileBytes(h, bytesOf(data), 2, { extension: ext }),
        gz,
      );
      expect(Array.from((await readNifti(file)).data)).toEqual(Array.from(data));
    }
  });

  it('qform only (sform_code 0): the quaternion affine; no codes: the centred pixdim affine', async () => {
    const q = headerFor('nifti1', {
      dim: [3, 2, 3, 4, 1, 1, 1, 1],
      sformCode: 0,
      qformCode: 1,
      quatern: [0, 0, 1],
      qoffset: [5, 6, 7],
      pixdim: [-1, 2, 3, 4, 1, 1, 1, 1],
    });
    const fq = writeFile(path.join(dir, 'qonly.nii'), fileBytes(q, bytesOf(data), 2));
    expect(
      maxAbsDiff(
        flipRasLps((await readNifti(fq)).geometry.affineLPS),
        [-2, 0, 0, 5, 0, -3, 0, 6, 0, 0, -4, 7, 0, 0, 0, 1],
      ),
    ).toBe(0);
    const none = { ...q, qformCode: 0 };
    const fn = writeFile(path.join(dir, 'nocodes.nii'), fileBytes(none, bytesOf(data), 2));
    expect(flipRasLps((await readNifti(fn)).geometry.affineLPS)).toEqual([
      -2, 0, 0, 1, 0, 3, 0, -3, 0, 0, 4, -6, 0, 0, 0, 1,
    ]);
    expect((await readNiftiHeader(fn)).affineSource).toBe('base');
  });

  it('a single-file header (n+1) named .hdr holds its voxels itself', async () => {
    const h = headerFor('nifti1', { dim: [3, 2, 3, 4, 1, 1, 1, 1] });
    const file = writeFile(path.join(dir, 'single.hdr'), fileBytes(h, bytesOf(data), 2));
    const v = await readNifti(file);
    expect(v.source.files).toEqual([file]);
    expect(Array.from(v.data)).toEqual(Array.from(data));
  });

  it('a pair header (ni1 magic) saved as .nii takes its voxels from the .img of the same name', async () => {
    const h = headerFor('nifti1', { dim: [3, 2, 3, 4, 1, 1, 1, 1], singleFile: false, voxOffset: 0 });
    const file = writeFile(path.join(dir, 'pairnamed.nii'), fileBytes(h, new Uint8Array(0), 2));
    writeFile(
      path.join(dir, 'pairnamed.img'),
      fileBytes({ ...h, singleFile: true, voxOffset: 0 }, bytesOf(data), 2).subarray(348),
    );
    const v = await readNifti(file);
    expect(v.source.files).toEqual([file, path.join(dir, 'pairnamed.img')]);
    expect(Array.from(v.data)).toEqual(Array.from(data));
  });

  it('2D images get k = 1; a 5D shape whose 5th dimension is 1 reads as 4D', async () => {
    const two = headerFor('nifti1', { dim: [2, 4, 6, 1, 1, 1, 1, 1] });
    const f2 = writeFile(path.join(dir, 'two.nii'), fileBytes(two, bytesOf(int16Volume([4, 6])), 2));
    const v2 = await readNifti(f2);
    expect([v2.geometry.dims, v2.frames]).toEqual([[4, 6, 1], 1]);
    const five = headerFor('nifti1', { dim: [5, 2, 1, 1, 3, 1, 1, 1] });
    const f5 = writeFile(path.join(dir, 'five.nii'), fileBytes(five, bytesOf(int16Volume([2, 3])), 2));
    const v5 = await readNifti(f5);
    expect([v5.geometry.dims, v5.frames]).toEqual([[2, 1, 1], 3]);
  });

  it('dim entries beyond dim[0] are ignored (some writers leave 0 there)', async () => {
    const h = headerFor('nifti1', { dim: [3, 2, 3, 4, 0, 0, 0, 0] });
    const file = writeFile(path.join(dir, 'dimzero.nii'), fileBytes(h, bytesOf(data), 2));
    expect((await readNifti(file)).frames).toBe(1);
  });
});

describe('read options: progress and cancellation', () => {
  const dims = [64, 64, 64];
  const data = int16Volume(dims);
  const h = headerFor('nifti1', { dim: [3, ...dims, 1, 1, 1, 1] });
  let plain: string;
  let gz: string;
  beforeAll(() => {
    plain = writeFile(path.join(dir, 'progress.nii'), fileBytes(h, bytesOf(data), 2));
    gz = writeFile(path.join(dir, 'progress.nii.gz'), fileBytes(h, bytesOf(data), 2), true);
  });

  it('reports increasing fractions ending at exactly 1', async () => {
    for (const file of [plain, gz]) {
      const seen: number[] = [];
      await readNifti(file, { onProgress: (f) => seen.push(f) });
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.at(-1)).toBe(1);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    }
  });

  it('an already aborted signal throws CancelledError before anything is read', async () => {
    const c = new AbortController();
    c.abort();
    await expect(readNifti(plain, { signal: c.signal })).rejects.toBeInstanceOf(CancelledError);
    await expect(
      readNifti(path.join(dir, 'does-not-exist.nii'), { signal: c.signal }),
    ).rejects.toBeInstanceOf(CancelledError);
  });

  it('aborting during the read throws CancelledError (gzip and plain)', async () => {
    // gzip inflates in 1 MiB chunks and plain files are read in 16 MiB ones: 20 MiB of voxels gives several
    // progress reports either way; abort at the first.
    const big = int16Volume([256, 256, 160]);
    const hb = headerFor('nifti1', { dim: [3, 256, 256, 160, 1, 1, 1, 1] });
    const bytes = fileBytes(hb, bytesOf(big), 2);
    for (const gzip of [true, false]) {
      const file = writeFile(path.join(dir, `cancel.nii${gzip ? '.gz' : ''}`), bytes, gzip);
      const c = new AbortController();
      let calls = 0;
      const err = await readNifti(file, {
        signal: c.signal,
        onProgress: () => {
          calls++;
          c.abort();
        },
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CancelledError);
      expect(calls).toBe(1);
    }
  });
});
