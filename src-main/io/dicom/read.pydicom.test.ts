// Known-answer tests against pydicom 2.3.1's own decoding of its test files (manifest_pydicom.json) and
// GDCM's cross-check of the JPEG-LS file (gdcm_crosscheck.txt), in resources/test-data/pydicom_testdata_debian.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors';
import type { ImageVolume } from '../../core/volume/types';
import { readDicom, readDicomSeries } from './read';
import { scanDicom } from './scan';
import { testData } from './test-support/paths';

const DIR = testData('pydicom_testdata_debian', 'files');

interface ManifestEntry {
  transfer_syntax: string;
  PhotometricInterpretation?: string;
  pixel_shape?: number[];
  pixel_dtype?: string;
  pixel_min?: number;
  pixel_max?: number;
  pixel_sum?: number;
  pixel_sha256_le?: string;
  pixel_error?: string;
}
const manifest = JSON.parse(
  fs.readFileSync(testData('pydicom_testdata_debian', 'manifest_pydicom.json'), 'utf8'),
).files as Record<string, ManifestEntry>;

function stats(v: ImageVolume): { min: number; max: number; sum: number; sha: string } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const x of v.data) {
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  const sha = createHash('sha256')
    .update(new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength))
    .digest('hex');
  return { min, max, sum, sha };
}

async function readOne(file: string): Promise<ImageVolume> {
  const scan = await scanDicom([path.join(DIR, file)]);
  expect(scan.skipped).toEqual([]);
  expect(scan.series).toHaveLength(1);
  return readDicomSeries(scan.series[0]!);
}

/** numpy dtype names of the manifest -> our scalar types (">i2" is big-endian int16: same values). */
const DTYPE: Record<string, string> = { int16: 'int16', '>i2': 'int16', uint16: 'uint16', uint8: 'uint8' };

describe('pydicom test files: every decodable greyscale file matches pydicom', () => {
  const decodable = Object.entries(manifest).filter(
    ([, m]) => m.pixel_shape && m.PhotometricInterpretation?.startsWith('MONOCHROME'),
  );
  it('covers the files pydicom decoded', () => {
    expect(decodable.map(([f]) => f).sort()).toEqual(
      [
        'CT_small.dcm',
        'JPEG2000.dcm',
        'MR_small.dcm',
        'MR_small_RLE.dcm',
        'MR_small_bigendian.dcm',
        'MR_small_expb.dcm',
        'MR_small_implicit.dcm',
        'MR_small_jp2klossless.dcm',
        'MR_small_padded.dcm',
      ].sort(),
    );
  });
  for (const [file, m] of decodable) {
    it(`${file} (${m.transfer_syntax}): shape, dtype, min, max, sum and sha256 equal pydicom's`, async () => {
      const v = await readOne(file);
      const [rows, cols] = m.pixel_shape!;
      expect(v.geometry.dims).toEqual([cols, rows, 1]);
      expect(v.scalarType).toBe(DTYPE[m.pixel_dtype!]);
      const s = stats(v);
      expect(s.min).toBe(m.pixel_min);
      expect(s.max).toBe(m.pixel_max);
      expect(s.sum).toBe(m.pixel_sum);
      expect(s.sha).toBe(m.pixel_sha256_le);
    });
  }

  it('CT_small keeps stored values with its rescale (slope 1, intercept -1024) and its geometry', async () => {
    const v = await readOne('CT_small.dcm');
    expect(v.rescale).toEqual({ slope: 1, intercept: -1024 });
    expect(v.source.modality).toBe('CT');
    // LPS: i along +x (0.661468 mm), j along +y, origin = ImagePositionPatient; SliceThickness 5 as k step.
    expect(v.geometry.affineLPS).toEqual([
      0.661468, 0, 0, -158.135803, 0, 0.661468, 0, -179.035797, 0, 0, 5, -75.699997, 0, 0, 0, 1,
    ]);
  });
});

describe('MR_small family: one image in 7 encodings decodes to the identical array', () => {
  const variants = [
    'MR_small.dcm',
    'MR_small_bigendian.dcm',
    'MR_small_expb.dcm',
    'MR_small_implicit.dcm',
    'MR_small_RLE.dcm',
    'MR_small_jp2klossless.dcm',
    'MR_small_padded.dcm',
    'MR_small_jpeg_ls_lossless.dcm',
  ];
  // gdcm_crosscheck.txt: "gdcmconv --raw then pydicom: MR_small_jpeg_ls_lossless.dcm (64, 64) int16 2125338 88617aaa…"
  const gdcmLine = fs
    .readFileSync(testData('pydicom_testdata_debian', 'gdcm_crosscheck.txt'), 'utf8')
    .split('\n')
    .find((l) => l.includes('MR_small_jpeg_ls_lossless.dcm'))!;
  const gdcmSha = gdcmLine.split(' ').pop()!;

  for (const file of variants) {
    it(`${file}: sha256 ${gdcmSha.slice(0, 16)}…, pydicom's asserted pixels`, async () => {
      const v = await readOne(file);
      expect(v.scalarType).toBe('int16');
      expect(stats(v).sha).toBe(gdcmSha);
      expect(stats(v).sum).toBe(2125338);
      // tests/test_numpy_pixel_data.py: arr[row, col] -> data[col + row*64].
      const at = (row: number, col: number) => v.data[col + row * 64];
      expect([at(0, 31), at(0, 32), at(0, 33)]).toEqual([422, 319, 361]);
      expect([at(31, 0), at(31, 1), at(31, 2)]).toEqual([366, 363, 322]);
      expect([at(63, 61), at(63, 62), at(63, 63)]).toEqual([1369, 1129, 862]);
      expect(v.geometry.affineLPS).toEqual([
        0.3125, 0, 0, -83.9063, 0, 0.3125, 0, -91.2, 0, 0, 0.8, 6.6406, 0, 0, 0, 1,
      ]);
    });
  }
});

describe('files that must fail or be refused', () => {
  it('MR_truncated.dcm: refused at scan with a clear message, InputError when read', async () => {
    const file = path.join(DIR, 'MR_truncated.dcm');
    const scan = await scanDicom([file]);
    expect(scan.series[0]!.problems.join()).toMatch(/MR_truncated\.dcm: file is truncated/);
    await expect(readDicomSeries(scan.series[0]!)).rejects.toBeInstanceOf(InputError);
    const r = await readDicom([file]);
    expect(r.volumes).toEqual([]);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0]).toMatch(/truncated/);
  });

  for (const file of ['JPEG-lossy.dcm', 'JPGExtended.dcm']) {
    it(`${file}: 12-bit JPEG Extended is refused naming the syntax`, async () => {
      const scan = await scanDicom([path.join(DIR, file)]);
      const err = await readDicomSeries(scan.series[0]!).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(/1\.2\.840\.10008\.1\.2\.4\.51 \(JPEG Extended/);
      expect((err as Error).message).toMatch(/12-bit/);
    });
  }

  it('ExplVR_BigEnd.dcm (RGB ultrasound) is refused as colour', async () => {
    const r = await readDicom([path.join(DIR, 'ExplVR_BigEnd.dcm')]);
    expect(r.volumes).toEqual([]);
    expect(r.skipped[0]).toMatch(/colour image \(PhotometricInterpretation RGB, 3 samples per pixel\)/);
  });

  it('RT Plans without meta header or pixel data are skipped as "without pixel data"', async () => {
    const r = await readDicom([
      path.join(DIR, 'ExplVR_BigEndNoMeta.dcm'),
      path.join(DIR, 'ExplVR_LitEndNoMeta.dcm'),
    ]);
    expect(r.volumes).toEqual([]);
    expect(r.skipped).toEqual([
      `${path.join(DIR, 'ExplVR_BigEndNoMeta.dcm')}: DICOM without pixel data (modality RTPLAN)`,
      `${path.join(DIR, 'ExplVR_LitEndNoMeta.dcm')}: DICOM without pixel data (modality RTPLAN)`,
    ]);
  });

  it('the pydicom folder as a whole: same-UID files at one position are not stacked', async () => {
    // MR_small and its variants share SeriesInstanceUID and position: a "series" of duplicates.
    const scan = await scanDicom([DIR]);
    const mr = scan.series.find((s) => s.dims[0] === 64 && s.dims[1] === 64)!;
    expect(mr.problems.join()).toMatch(/at only 1 distinct position/);
    expect(scan.skipped.find((s) => s.path.endsWith('README.txt'))?.reason).toBe('not a DICOM file');
  });
});

describe('dicomdirtests series', () => {
  const dd = path.join(DIR, 'dicomdirtests');

  it('CT5N: 5 slices stacked by position (not file name), 16x16x5, k step +2.5 mm along z', async () => {
    const r = await readDicom([path.join(dd, '98892001', 'CT5N')]);
    expect(r.skipped).toEqual([]);
    const v = r.volumes[0]!;
    expect(v.geometry.dims).toEqual([16, 16, 5]);
    // Sorted z: -1.2375 (file 3353) ... 8.7625 (file 2062); file names sort differently.
    expect(v.source.files.map((f) => path.basename(f))).toEqual(['3353', '3023', '2693', '2392', '2062']);
    expect(v.geometry.affineLPS).toEqual([
      0.488281, 0, 0, -72.199997, 0, 0.488281, 0, -143, 0, 0, 2.5, -1.2375, 0, 0, 0, 1,
    ]);
    expect(v.rescale).toEqual({ slope: 1, intercept: -1024 });
  });

  it('CT2: instances 18 and 180-182 leave a 202.5 mm hole: refused as missing slices', async () => {
    const r = await readDicom([path.join(dd, '77654033', 'CT2')]);
    expect(r.volumes).toEqual([]);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0]).toMatch(/"Routine Brain".*CT2: missing slice between z=-99\.48 and z=103\.02/);
  });

  it('MR700: 7 radial slices with 7 orientations are refused, not stacked', async () => {
    const scan = await scanDicom([path.join(dd, '98892003', 'MR700')]);
    expect(scan.series).toHaveLength(1);
    const s = scan.series[0]!;
    expect(s.affineLPS).toBeUndefined();
    expect(s.problems[0]).toBe(
      '7 slices with 7 orientations (radial or localizer images): not stacked into a volume',
    );
    await expect(readDicomSeries(s)).rejects.toThrow(
      /MR700: series "ANGIO Projected from {3}C" #700: 7 slices with 7 orientations/,
    );
  });

  it('DICOMDIR files are skipped as directories; CR images (MONOCHROME1) read as single slices', async () => {
    const r = await readDicom([dd]);
    const dirs = r.skipped.filter((l) => /DICOMDIR/.test(l));
    expect(dirs.length).toBeGreaterThanOrEqual(6);
    const cr = r.volumes.find((v) => v.source.modality === 'CR')!;
    expect(cr.source.dicom?.photometricInterpretation).toBe('MONOCHROME1');
    expect(cr.source.dicom?.notes?.join()).toMatch(/MONOCHROME1/);
    expect(cr.rescale).toEqual({ slope: 0.684, intercept: 200 });
  });
});
