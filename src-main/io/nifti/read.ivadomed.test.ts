// Facts from resources/test-data/ivadomed_data_testing_ct_mri/README.md: a spleen CT crop and its label, both
// with qform_code 0 / sform_code 2 (a reader that only looks at the qform gets them wrong).
import { describe, expect, it } from 'vitest';
import { readNifti, readNiftiHeader } from './read';
import {
  axcodes,
  columnNorms,
  countNonZero,
  maxAbsDiff,
  rasAffine,
  scaledStats,
  testData,
} from './test-support';

const ct = testData('ivadomed_data_testing_ct_mri', 'ct_scan', 'sub-spleen2', 'ct', 'sub-spleen2_ct.nii.gz');
const label = testData(
  'ivadomed_data_testing_ct_mri',
  'ct_scan',
  'derivatives',
  'labels',
  'sub-spleen2',
  'ct',
  'sub-spleen2_ct_seg-manual.nii.gz',
);

describe('ivadomed spleen CT (sform-only headers)', () => {
  it('CT: 164x166x26, 0.7949 x 0.7949 x 5.0 mm, RAS, float32 HU from -1019 to 949, q/s 0/2', async () => {
    const v = await readNifti(ct);
    expect(v.geometry.dims).toEqual([164, 166, 26]);
    expect(v.scalarType).toBe('float32');
    expect(axcodes(rasAffine(v))).toBe('RAS');
    const spacing = columnNorms(v.geometry.affineLPS);
    expect(spacing[0]).toBeCloseTo(0.7949, 4);
    expect(spacing[1]).toBeCloseTo(0.7949, 4);
    expect(spacing[2]).toBeCloseTo(5.0, 6);
    const s = scaledStats(v);
    expect([s.min, s.max]).toEqual([-1019, 949]);
    const info = await readNiftiHeader(ct);
    expect([info.qformCode, info.sformCode, info.affineSource]).toEqual([0, 2, 'sform']);
  });

  it('the sform, not the pixdim fallback, places the CT (origin -406.2 mm in x and y, RAS)', async () => {
    const v = await readNifti(ct);
    // nibabel: [[0.794922, 0, 0, -406.205139], [0, 0.794922, 0, -406.205139], [0, 0, 5, 0]] (RAS).
    const expected = [0.794922, 0, 0, -406.205139, 0, 0.794922, 0, -406.205139, 0, 0, 5, 0, 0, 0, 0, 1];
    expect(maxAbsDiff(rasAffine(v), expected)).toBeLessThan(2e-6);
  });

  it('label: uint8 {0, 1}, 96,672 spleen voxels, on the CT grid', async () => {
    const v = await readNifti(label);
    const image = await readNifti(ct);
    expect(v.scalarType).toBe('uint8');
    expect(v.geometry.dims).toEqual(image.geometry.dims);
    expect(maxAbsDiff(v.geometry.affineLPS, image.geometry.affineLPS)).toBeLessThan(1e-6);
    expect([...new Set(v.data)].sort()).toEqual([0, 1]);
    expect(countNonZero(v)).toBe(96672);
  });
});
