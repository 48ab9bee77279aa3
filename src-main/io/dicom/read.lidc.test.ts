// Real CT series against dcm2niix: LIDC-IDRI-0001 (16 slices, 512x512, GE, rescale -1024) and dcmqi's 3-slice
// CT (slice spacing 1.0 mm although SliceThickness is 1.25 mm), whose folder also holds a DICOM SEG that must
// not be stacked with the CT.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spacingOf } from '../../core/geometry/affine';
import { readNifti } from '../nifti/read';
import { readDicom } from './read';
import { scanDicom } from './scan';
import { compareWithReference } from './test-support/compare';
import { testData } from './test-support/paths';

describe('LIDC-IDRI-0001 (README: 16 slices, pixel 0.703125 mm, step 2.5 mm, z -132.5 ... -95.0)', () => {
  const dir = testData('lidc_idri_dicom_4readers', 'LIDC-IDRI-0001', 'dicom');

  it('reads one 512x512x16 int16 volume whose HU equal dcm2niix voxel for voxel', async () => {
    const r = await readDicom([dir]);
    expect(r.skipped).toEqual([]);
    expect(r.volumes).toHaveLength(1);
    const v = r.volumes[0]!;
    expect(v.geometry.dims).toEqual([512, 512, 16]);
    expect(v.scalarType).toBe('int16');
    expect(v.rescale).toEqual({ slope: 1, intercept: -1024 });
    expect(v.source.modality).toBe('CT');
    expect(v.source.dicom?.patientPosition).toBe('FFS');
    expect(v.source.dicom?.seriesInstanceUID).toMatch(/6279\.6001\.179049373636438705059720603192$/);
    const [sx, sy, sz] = spacingOf(v.geometry.affineLPS);
    expect(sx).toBeCloseTo(0.703125, 9);
    expect(sy).toBeCloseTo(0.703125, 9);
    expect(sz).toBeCloseTo(2.5, 9);
    // Sorted along +z: the first slice is z = -132.5 (file -132.500000.dcm), the last z = -95.0.
    expect(v.geometry.affineLPS[11]).toBe(-132.5);
    expect(v.geometry.affineLPS[11]! + 15 * v.geometry.affineLPS[10]!).toBeCloseTo(-95, 9);
    expect(path.basename(v.source.files[0]!)).toBe('-132.500000.dcm');
    expect(path.basename(v.source.files[15]!)).toBe('-95.000000.dcm');

    const ref = await readNifti(
      testData('lidc_idri_dicom_4readers', 'LIDC-IDRI-0001', 'dcm2niix_ref', 'image.nii.gz'),
    );
    expect(ref.geometry.dims).toEqual([512, 512, 16]);
    const c = compareWithReference(v, ref);
    expect(c.voxels).toBe(512 * 512 * 16);
    expect(c.outside).toBe(0);
    expect(c.maxIndexOffset).toBeLessThan(1e-3);
    expect(c.differing).toBe(0);
    expect(c.indexMap).toEqual([1, 0, 0, 0, 0, -1, 0, 511, 0, 0, 1, 0, 0, 0, 0, 1]);
  });

  it('keeps patient identity only when asked', async () => {
    const without = await readDicom([dir]);
    expect(without.volumes[0]!.source.patient).toBeUndefined();
    const withId = await readDicom([dir], { keepPatientIdentity: true });
    expect(withId.volumes[0]!.source.patient?.id).toBe('LIDC-IDRI-0001');
  });
});

describe('dcmqi ct-3slice with a DICOM SEG beside it', () => {
  const root = testData('dcmqi_ct3slice_seg', 'data', 'segmentations');

  it('reads the 3 CT slices (step 1.0 mm from positions, not the 1.25 mm thickness), equal to dcm2niix', async () => {
    const r = await readDicom([path.join(root, 'ct-3slice')]);
    expect(r.skipped).toEqual([]);
    const v = r.volumes[0]!;
    expect(v.geometry.dims).toEqual([512, 512, 3]);
    expect(spacingOf(v.geometry.affineLPS)[2]).toBeCloseTo(1.0, 6);
    expect(v.geometry.affineLPS[11]).toBe(-128.690002); // IPP z of the lowest slice, as written
    const ref = await readNifti(testData('dcmqi_ct3slice_seg', 'derived_nifti', 'ct3slice.nii.gz'));
    const c = compareWithReference(v, ref);
    expect(c.outside).toBe(0);
    expect(c.differing).toBe(0);
  });

  it('the DICOM SEG is skipped with its reason, not stacked with the CT', async () => {
    const scan = await scanDicom([root]);
    expect(scan.series).toHaveLength(1);
    expect(scan.series[0]!.dims).toEqual([512, 512, 3]);
    expect(scan.skipped).toEqual([
      {
        path: path.join(root, 'liver.dcm'),
        reason: 'DICOM SEG not imported as a volume (a segmentation object, not an image series)',
      },
    ]);
    const r = await readDicom([root]);
    expect(r.volumes).toHaveLength(1);
    expect(r.skipped).toEqual([
      `${path.join(root, 'liver.dcm')}: DICOM SEG not imported as a volume (a segmentation object, not an image series)`,
    ]);
  });
});
