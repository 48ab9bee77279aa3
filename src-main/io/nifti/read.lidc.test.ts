// LIDC-IDRI-0001: dcm2niix's conversion (LAS, int16 stored with scl_inter -1024) and the derived HU image on
// the masks' grid (LPS-like axes, int16 HU, no scaling). The README says the two are voxel-identical after
// mapping through their affines; this checks it voxel by voxel, in physical values (HU).
import { describe, expect, it } from 'vitest';
import { invertAffine, multiply4 } from '../../core/geometry/affine';
import { readNifti } from './read';
import { axcodes, columnNorms, rasAffine, testData } from './test-support';

const dcm2niix = testData('lidc_idri_dicom_4readers', 'LIDC-IDRI-0001', 'dcm2niix_ref', 'image.nii.gz');
const derived = testData(
  'lidc_idri_dicom_4readers',
  'LIDC-IDRI-0001',
  'derived_masks_nifti',
  'image_hu.nii.gz',
);

describe('LIDC-IDRI-0001 NIfTI: dcm2niix reference vs derived HU image', () => {
  it('both are 512x512x16 int16 at 0.703125 x 0.703125 x 2.5 mm; dcm2niix has scl_inter -1024', async () => {
    const a = await readNifti(dcm2niix);
    const b = await readNifti(derived);
    for (const v of [a, b]) {
      expect(v.geometry.dims).toEqual([512, 512, 16]);
      expect(v.scalarType).toBe('int16');
      const s = columnNorms(v.geometry.affineLPS);
      expect(s[0]).toBeCloseTo(0.703125, 6);
      expect(s[2]).toBeCloseTo(2.5, 6);
    }
    expect(a.rescale).toEqual({ slope: 1, intercept: -1024 });
    expect(b.rescale).toEqual({ slope: 1, intercept: 0 });
    expect(axcodes(rasAffine(a))).toBe('LAS');
    expect(axcodes(rasAffine(b))).toBe('LPS');
  });

  it('slice k of the derived image lies at LPS z = -132.5 + 2.5 k (README z range -132.5 ... -95.0)', async () => {
    const b = await readNifti(derived);
    const m = b.geometry.affineLPS;
    expect(m[11]).toBeCloseTo(-132.5, 4);
    expect(m[11]! + 15 * m[10]!).toBeCloseTo(-95.0, 4);
  });

  it('every voxel has the same HU value in both files once mapped through the affines', async () => {
    const a = await readNifti(dcm2niix);
    const b = await readNifti(derived);
    // Index map: ijk_a = inverse(A_a) · A_b · ijk_b; it must be a signed permutation plus a whole translation.
    const map = multiply4(invertAffine(a.geometry.affineLPS), b.geometry.affineLPS);
    const rounded = map.map((x) => Math.round(x));
    for (let e = 0; e < 12; e++) expect(Math.abs(map[e]! - rounded[e]!)).toBeLessThan(1e-3);
    const [nx, ny, nz] = b.geometry.dims;
    const [ax, ay] = a.geometry.dims;
    let differing = 0;
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const ia = rounded[0]! * i + rounded[1]! * j + rounded[2]! * k + rounded[3]!;
          const ja = rounded[4]! * i + rounded[5]! * j + rounded[6]! * k + rounded[7]!;
          const ka = rounded[8]! * i + rounded[9]! * j + rounded[10]! * k + rounded[11]!;
          const hu = a.data[ia + ja * ax + ka * ax * ay]! * a.rescale.slope + a.rescale.intercept;
          const huB = b.data[i + j * nx + k * nx * ny]! * b.rescale.slope + b.rescale.intercept;
          if (hu !== huB) differing++;
        }
      }
    }
    expect(differing).toBe(0);
    // The map is not the identity (the two grids run j in opposite directions), so the check is not trivial.
    expect(rounded[5]).toBe(-1);
  });
});
