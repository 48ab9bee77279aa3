// `concord import <folder>` keeps what it can: the readable volumes import, each refused file is listed on
// stderr with its reason and the exit status is 2; --frames takes a 4D file as asked.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, testData } from '../../test-support/tmp';
import { cli } from './test-support';

const IMAGE = testData(
  'lidc_idri_dicom_4readers',
  'LIDC-IDRI-0001',
  'derived_masks_nifti',
  'image_hu.nii.gz',
);
const FOUR_D = testData('nibabel_testdata_debian', 'files', 'example4d.nii.gz');

describe('concord import of a folder with files it cannot import', () => {
  it('imports the others, lists each refused file and exits 2; --frames all imports every frame', async () => {
    const root = tempDir();
    const dir = path.join(root, 'scans');
    fs.mkdirSync(dir);
    fs.copyFileSync(IMAGE, path.join(dir, 'chest.nii.gz'));
    fs.copyFileSync(FOUR_D, path.join(dir, 'fmri.nii.gz'));
    fs.writeFileSync(path.join(dir, 'broken.nii.gz'), 'not a NIfTI file');
    const ws = path.join(root, 'ws');
    const r = await cli('import', dir, '--workspace', ws, '--json');
    expect(r.code).toBe(2);
    const summary = JSON.parse(r.stdout) as { volumes: { name: string }[]; refused: { file: string }[] };
    expect(summary.volumes.map((v) => v.name)).toEqual(['chest']);
    expect(summary.refused.map((f) => path.basename(f.file)).sort()).toEqual([
      'broken.nii.gz',
      'fmri.nii.gz',
    ]);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('refused: '));
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.includes('fmri.nii.gz'))).toBe(
      `refused: ${path.join(dir, 'fmri.nii.gz')}: a 4D image (2 frames): import it as its first frame or as one volume per frame`,
    );
    expect(r.stderr).toContain('2 file(s) refused, 1 volume(s) imported');

    const all = await cli('import', dir, '--workspace', ws, '--frames', 'all');
    expect(all.code).toBe(2); // broken.nii.gz is still refused
    expect(all.stdout).toMatch(/fmri \(frame 1 of 2\) 128x96x24/);
    expect(all.stdout).toMatch(/fmri \(frame 2 of 2\) 128x96x24/);
    expect((await cli('import', dir, '--workspace', ws, '--frames', 'some')).code).toBe(2);
    fs.rmSync(path.join(dir, 'broken.nii.gz'));
    expect((await cli('import', dir, '--workspace', ws, '--frames', 'first')).code).toBe(0);
  });
});
