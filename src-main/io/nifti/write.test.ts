// writeNifti: round trips (every type, 3D/4D, plain/gzip, oblique and sheared affines, real files), the
// header it writes (codes, qform, units, layout), and atomicity (no half file, no temp left, old file kept).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, InputError } from '../../core/errors';
import type { Mat4 } from '../../core/geometry/affine';
import { allocateVoxels, type ImageVolume, type ScalarType } from '../../core/volume/types';
import { qformAffine, qformFromAffine } from './geometry';
import { parseHeader } from './header';
import { readNifti } from './read';
import { makeTempDir, maxAbsDiff, removeTempDir, testData } from './test-support';
import { writeNifti } from './write';

let dir: string;
beforeAll(() => {
  dir = makeTempDir();
});
afterAll(() => removeTempDir(dir));

/** An oblique LPS affine: rotation about an arbitrary axis, anisotropic spacing, offset in mm. */
function obliqueLPS(leftHanded: boolean): Mat4 {
  const [ux, uy, uz] = [0.36, 0.48, 0.8]; // unit axis
  const t = 0.4; // radians
  const c = Math.cos(t);
  const s = Math.sin(t);
  const r = [
    [c + ux * ux * (1 - c), ux * uy * (1 - c) - uz * s, ux * uz * (1 - c) + uy * s],
    [uy * ux * (1 - c) + uz * s, c + uy * uy * (1 - c), uy * uz * (1 - c) - ux * s],
    [uz * ux * (1 - c) - uy * s, uz * uy * (1 - c) + ux * s, c + uz * uz * (1 - c)],
  ];
  const zooms = [0.7, 0.85, leftHanded ? -2.5 : 2.5];
  const offset = [-101.25, 87.5, -33.75];
  return [0, 1, 2]
    .flatMap((i) => [...[0, 1, 2].map((j) => r[i]![j]! * zooms[j]!), offset[i]!])
    .concat([0, 0, 0, 1]);
}

const SHEARED_LPS: Mat4 = [0.8, 0.15, 0, -20, 0.05, 0.9, 0.1, 15, 0, -0.2, 3, 40, 0, 0, 0, 1];

/** Values spanning the type: both extremes, zero, and a pattern. */
function fill(type: ScalarType, n: number): ImageVolume['data'] {
  const a = allocateVoxels(type, n);
  const ranges: Record<ScalarType, [number, number]> = {
    uint8: [0, 255],
    int8: [-128, 127],
    uint16: [0, 65535],
    int16: [-32768, 32767],
    uint32: [0, 2 ** 32 - 1],
    int32: [-(2 ** 31), 2 ** 31 - 1],
    float32: [-3.4e38, 3.4e38],
    float64: [-1.7e308, 1.7e308],
  };
  const [lo, hi] = ranges[type];
  a[0] = lo;
  a[1] = hi;
  for (let i = 2; i < n; i++) {
    a[i] = type.startsWith('float') ? Math.sin(i) * 1000 + i / 7 : lo + ((i * 2654435761) % (hi - lo + 1));
  }
  return a;
}

function volume(
  type: ScalarType,
  dims: [number, number, number],
  frames: number,
  affineLPS: Mat4,
): ImageVolume {
  return {
    geometry: { dims, affineLPS },
    scalarType: type,
    data: fill(type, dims[0] * dims[1] * dims[2] * frames),
    frames,
    rescale: { slope: 0.5, intercept: -1024 },
    source: { format: 'nifti', files: [], description: 'test' },
  };
}

const bytes = (v: ImageVolume): Buffer => Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength);

function tempFiles(): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));
}

describe('round trip: writeNifti then readNifti', () => {
  const types: ScalarType[] = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'];
  for (const type of types) {
    for (const frames of [1, 3]) {
      for (const ext of ['.nii', '.nii.gz']) {
        it(`${type}, ${frames > 1 ? '4D' : '3D'}, ${ext}: identical voxels, affine to 1e-5 mm, rescale`, async () => {
          const v = volume(type, [7, 5, 4], frames, obliqueLPS(frames > 1));
          const file = path.join(dir, `rt-${type}-${frames}${ext}`);
          await writeNifti(file, v);
          const back = await readNifti(file);
          expect(back.scalarType).toBe(type);
          expect(back.geometry.dims).toEqual([7, 5, 4]);
          expect(back.frames).toBe(frames);
          expect(bytes(back).equals(bytes(v))).toBe(true);
          expect(maxAbsDiff(back.geometry.affineLPS, v.geometry.affineLPS)).toBeLessThan(1e-5);
          expect(back.rescale).toEqual(v.rescale);
        });
      }
    }
  }

  it('rescale values are stored as float32 (0.1 comes back as Math.fround(0.1))', async () => {
    const v = {
      ...volume('int16', [2, 2, 2], 1, obliqueLPS(false)),
      rescale: { slope: 0.1, intercept: 1.3 },
    };
    const file = path.join(dir, 'fround.nii');
    await writeNifti(file, v);
    expect((await readNifti(file)).rescale).toEqual({ slope: Math.fround(0.1), intercept: Math.fround(1.3) });
  });

  it('a sheared affine is kept exactly (sform) while the qform holds its closest shear-free form', async () => {
    const v = volume('int16', [4, 4, 4], 1, SHEARED_LPS);
    const file = path.join(dir, 'sheared.nii');
    await writeNifti(file, v);
    expect(maxAbsDiff((await readNifti(file)).geometry.affineLPS, SHEARED_LPS)).toBeLessThan(1e-6);
    const parsed = parseHeader(new Uint8Array(fs.readFileSync(file)));
    if (!parsed.ok) throw new Error(parsed.reason);
    const ras = SHEARED_LPS.map((x, i) => (i < 8 ? -x : x));
    const nearest = qformFromAffine(ras)!;
    expect(maxAbsDiff(parsed.header.quatern, nearest.quatern)).toBeLessThan(1e-7);
    const q = qformAffine(parsed.header);
    expect(q.ok).toBe(true);
    // Not equal to the sheared affine, but its columns have the same lengths and the same origin.
    expect(q.ok && maxAbsDiff(q.affine, ras)).toBeGreaterThan(1e-3);
    expect(q.ok && maxAbsDiff([q.affine[3]!, q.affine[7]!, q.affine[11]!], [20, -15, 40])).toBe(0);
  });

  for (const leftHanded of [false, true]) {
    it(`the qform alone reproduces a ${leftHanded ? 'left' : 'right'}-handed oblique affine (sform code zeroed)`, async () => {
      const v = volume('uint8', [3, 3, 3], 1, obliqueLPS(leftHanded));
      const file = path.join(dir, `qonly-${leftHanded}.nii`);
      await writeNifti(file, v);
      const raw = fs.readFileSync(file);
      raw.writeInt16LE(0, 254); // sform_code
      fs.writeFileSync(file, raw);
      const back = await readNifti(file);
      expect(maxAbsDiff(back.geometry.affineLPS, v.geometry.affineLPS)).toBeLessThan(1e-5);
    });
  }

  const real: [string, string[]][] = [
    ['nibabel example4d (oblique 4D int16)', ['nibabel_testdata_debian', 'files', 'example4d.nii.gz']],
    ['nibabel functional (scaled 4D)', ['nibabel_testdata_debian', 'files', 'functional.nii']],
    ['nibabel anatomical (big-endian source)', ['nibabel_testdata_debian', 'files', 'anatomical.nii']],
    ['SCT t2 (PSR sagittal)', ['sct_testing_data_spinalcord', 't2', 't2.nii.gz']],
  ];
  for (const [label, parts] of real) {
    it(`${label}: read, write, read again gives the same volume`, async () => {
      const v = await readNifti(testData(...parts));
      const file = path.join(dir, `real-${parts.at(-1)!}`);
      await writeNifti(file, v);
      const back = await readNifti(file);
      expect([back.scalarType, back.geometry.dims, back.frames]).toEqual([
        v.scalarType,
        v.geometry.dims,
        v.frames,
      ]);
      expect(bytes(back).equals(bytes(v))).toBe(true);
      // The source affines are float32 already: they come back exactly.
      expect(maxAbsDiff(back.geometry.affineLPS, v.geometry.affineLPS)).toBe(0);
      expect(back.rescale).toEqual(v.rescale);
    });
  }
});

describe('the header writeNifti produces', () => {
  it('NIfTI-1 single file, little-endian, vox_offset 352, qform and sform code 1, mm units', async () => {
    const v = volume('int16', [6, 5, 4], 2, obliqueLPS(true));
    const file = path.join(dir, 'header.nii');
    await writeNifti(file, v);
    const raw = fs.readFileSync(file);
    expect(raw.length).toBe(352 + 6 * 5 * 4 * 2 * 2);
    expect(raw.readInt32LE(0)).toBe(348);
    expect(raw.subarray(344, 348).toString('latin1')).toBe('n+1\0');
    const parsed = parseHeader(new Uint8Array(raw));
    if (!parsed.ok) throw new Error(parsed.reason);
    const h = parsed.header;
    expect(h.littleEndian).toBe(true);
    expect(h.dim).toEqual([4, 6, 5, 4, 2, 1, 1, 1]);
    expect([h.datatype, h.bitpix, h.voxOffset]).toEqual([4, 16, 352]);
    expect([h.qformCode, h.sformCode, h.xyztUnits]).toEqual([1, 1, 2]);
    expect(h.pixdim[0]).toBe(-1); // left-handed: qfac -1
    expect(h.pixdim.slice(1, 4).map((x) => +x.toFixed(5))).toEqual([0.7, 0.85, 2.5]);
    expect(h.descrip).toBe('Concord');
  });
});

describe('atomic writing and refusals', () => {
  it('leaves no temporary file and replaces an existing file', async () => {
    const file = path.join(dir, 'replace.nii.gz');
    fs.writeFileSync(file, 'old content');
    await writeNifti(file, volume('uint8', [4, 4, 4], 1, obliqueLPS(false)));
    expect((await readNifti(file)).geometry.dims).toEqual([4, 4, 4]);
    expect(tempFiles()).toEqual([]);
  });

  it('a write cancelled half-way leaves the previous file untouched and no temporary file', async () => {
    const file = path.join(dir, 'cancelled.nii');
    fs.writeFileSync(file, 'previous');
    const big = volume('float32', [128, 128, 160], 1, obliqueLPS(false)); // 10 MiB: two 8 MiB chunks
    for (const name of [file, file + '.gz']) {
      if (name.endsWith('.gz')) fs.writeFileSync(name, 'previous');
      const c = new AbortController();
      const err = await writeNifti(name, big, { signal: c.signal, onProgress: () => c.abort() }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CancelledError);
      expect(fs.readFileSync(name, 'utf8')).toBe('previous');
      expect(tempFiles()).toEqual([]);
    }
  });

  it('refuses volumes it cannot write, creating nothing', async () => {
    const good = volume('int16', [4, 4, 4], 1, obliqueLPS(false));
    const cases: [string, ImageVolume, RegExp][] = [
      ['length.nii', { ...good, data: new Int16Array(10) }, /voxel array has 10 values/],
      ['type.nii', { ...good, data: new Float32Array(64) }, /not int16/],
      [
        'singular.nii',
        {
          ...good,
          geometry: { dims: [4, 4, 4], affineLPS: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] },
        },
        /singular/,
      ],
      [
        'nan.nii',
        { ...good, geometry: { dims: [4, 4, 4], affineLPS: [NaN, ...good.geometry.affineLPS.slice(1)] } },
        /not a finite 4x4/,
      ],
      [
        'big.nii',
        {
          ...good,
          geometry: { dims: [40000, 1, 1], affineLPS: good.geometry.affineLPS },
          data: new Int16Array(40000),
        },
        /each must be 1..32767/,
      ],
      ['slope.nii', { ...good, rescale: { slope: 0, intercept: 0 } }, /cannot be stored/],
      ['name.img', good, /must end in .nii or .nii.gz/],
    ];
    for (const [name, v, reason] of cases) {
      const file = path.join(dir, name);
      const err = await writeNifti(file, v).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(InputError);
      expect((err as InputError).reason, name).toMatch(reason);
      expect(fs.existsSync(file), name).toBe(false);
    }
    expect(tempFiles()).toEqual([]);
  });

  it('a missing folder is an InputError (file not found)', async () => {
    const file = path.join(dir, 'no-such-folder', 'x.nii');
    await expect(writeNifti(file, volume('uint8', [2, 2, 2], 1, obliqueLPS(false)))).rejects.toThrow(
      /file not found/,
    );
  });
});
