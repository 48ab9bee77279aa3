// The CLI in-process: JSON shape and numbers of `info` against peer references, exit statuses, and
// import/export round trips through a workspace.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readNifti } from '../../io/nifti/read';
import { tempDir, testData } from '../../test-support/tmp';
import { cli } from './test-support';

afterEach(() => vi.restoreAllMocks());

const LIDC = testData('lidc_idri_dicom_4readers', 'LIDC-IDRI-0001');

describe('concord info', () => {
  it('prints dims, spacing, affineLPS, dtype and float64 stats for a DICOM folder', async () => {
    const r = await cli('info', path.join(LIDC, 'dicom'), '--json');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as {
      dims: number[];
      spacing: number[];
      affineLPS: number[][];
      dtype: string;
      stats: { min: number; max: number; mean: number; sum: number };
    };
    expect(info.dims).toEqual([512, 512, 16]);
    expect(info.dtype).toBe('int16');
    expect(info.spacing.map((s) => +s.toFixed(6))).toEqual([0.703125, 0.703125, 2.5]);
    // dcm2niix's RAS affine for this series, flipped to LPS and to our row order (j = DICOM row, not flipped).
    expect(info.affineLPS[0]).toEqual([0.703125, 0, 0, -166]);
    expect(info.affineLPS[1]![1]).toBeCloseTo(0.703125, 6);
    expect(info.affineLPS[1]![3]).toBeCloseTo(-171.7, 4);
    expect(info.affineLPS[2]).toEqual([0, 0, 2.5, -132.5]);
    expect(info.affineLPS[3]).toEqual([0, 0, 0, 1]);
    // The same statistics as the dcm2niix reference volume (same voxels, another grid order).
    const ref = await readNifti(path.join(LIDC, 'dcm2niix_ref', 'image.nii.gz'));
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of ref.data) {
      const hu = v * ref.rescale.slope + ref.rescale.intercept;
      sum += hu;
      min = Math.min(min, hu);
      max = Math.max(max, hu);
    }
    expect(info.stats.sum).toBe(sum);
    expect(info.stats.min).toBe(min);
    expect(info.stats.max).toBe(max);
    expect(info.stats.mean).toBeCloseTo(sum / ref.data.length, 9);
  });

  it('matches nibabel on a big-endian NIfTI: affine (RAS flipped to LPS) and stats', async () => {
    // The manifest holds NaN for one image's stats: read it as JSON with NaN -> null.
    const text = fs.readFileSync(testData('nibabel_testdata_debian', 'manifest_nibabel.json'), 'utf8');
    const manifest = JSON.parse(text.replace(/\bNaN\b/g, 'null')) as {
      files: Record<
        string,
        {
          shape: number[];
          affine: number[][];
          data_min: number;
          data_max: number;
          data_mean: number;
          data_sum: number;
        }
      >;
    };
    const ref = manifest.files['anatomical.nii']!;
    const r = await cli('info', testData('nibabel_testdata_debian', 'files', 'anatomical.nii'), '--json');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as {
      dims: number[];
      dtype: string;
      affineLPS: number[][];
      stats: { min: number; max: number; mean: number; sum: number };
    };
    expect(info.dims).toEqual(ref.shape);
    expect(info.dtype).toBe('int16');
    const lps = ref.affine.map((row, n) => (n < 2 ? row.map((v) => -v) : row));
    info.affineLPS.forEach((row, n) => row.forEach((v, c) => expect(v).toBeCloseTo(lps[n]![c]! + 0, 6)));
    expect(info.stats).toEqual({
      min: ref.data_min,
      max: ref.data_max,
      mean: expect.closeTo(ref.data_mean, 9),
      sum: ref.data_sum,
    });
  });

  it('exits 2 with one line naming the file for bad input, and prints no stack trace', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'broken.nii');
    fs.writeFileSync(bad, Buffer.alloc(100));
    const r = await cli('info', bad, '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('broken.nii');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect((await cli('info', path.join(dir, 'absent.nii'))).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('info', bad, '--no-such-flag')).code).toBe(2);
  });

  it('names a file that is no image once, and says which formats it reads', async () => {
    const notes = path.join(tempDir(), 'notes.txt');
    fs.writeFileSync(notes, 'not an image\n');
    const r = await cli('info', notes, '--json');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `concord: ${notes}: not an image file Concord can read (NIfTI, NRRD, DICOM or PNG)`,
    );
  });
});

describe('concord import and export', () => {
  it('imports into a workspace and exports a NIfTI with the same voxels and affine', async () => {
    const dir = tempDir();
    const ws = path.join(dir, 'ws');
    const imp = await cli(
      'import',
      path.join(LIDC, 'dicom'),
      '--workspace',
      ws,
      '--project',
      'Lung',
      '--case',
      'P1',
      '--json',
    );
    expect(imp.code).toBe(0);
    const summary = JSON.parse(imp.stdout) as { volumes: { id: number; affineLPS: number[] }[] };
    const id = summary.volumes[0]!.id;
    const out = path.join(dir, 'out.nii.gz');
    const exp = await cli('export', String(id), out, '--workspace', ws, '--json');
    expect(exp.code).toBe(0);
    const back = await readNifti(out);
    const ref = await readNifti(
      testData('lidc_idri_dicom_4readers', 'LIDC-IDRI-0001', 'derived_masks_nifti', 'image_hu.nii.gz'),
    );
    // Same grid as the derived NIfTI (i = column, j = row, k = z ascending): compare physical values.
    expect(back.geometry.dims).toEqual(ref.geometry.dims);
    back.geometry.affineLPS.forEach((v, n) => expect(v).toBeCloseTo(ref.geometry.affineLPS[n]!, 3));
    let diff = 0;
    for (let n = 0; n < ref.data.length; n++) {
      const a = back.data[n]! * back.rescale.slope + back.rescale.intercept;
      const b = ref.data[n]! * ref.rescale.slope + ref.rescale.intercept;
      diff = Math.max(diff, Math.abs(a - b));
    }
    expect(diff).toBe(0);
  });

  it('exits 2 for an unknown volume id and for a missing --workspace', async () => {
    const dir = tempDir();
    expect(
      (await cli('export', '99', path.join(dir, 'x.nii.gz'), '--workspace', path.join(dir, 'ws'))).code,
    ).toBe(2);
    expect((await cli('import', path.join(LIDC, 'dicom'))).code).toBe(2);
  });
});
