// dcm_qa_decubitus: the same head scanned in 4 patient positions (HFS, HFP, HFDL, HFDR). DICOM coordinates are
// patient-based, so every position must give the same affine as dcm2niix's (README: RAS
// [[0,0,4.8,-81.6],[-1.016,0,0,130.0],[0,1.016,0,-128.984]] for the 35-slice series), with PatientPosition only
// recorded, never applied. The repository keeps the 3 slices at dcm2niix's k = 0 end (files 0033-0035, see
// COPIED.md), so the reference origin still applies.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Mat4, flipRasLps, multiply4 } from '../../core/geometry/affine';
import { readDicom } from './read';
import { testData } from './test-support/paths';

const POSITIONS: [string, string, number][] = [
  ['HFS', '3_t1_fl2d_sag', 3],
  ['HFP', '2_t1_fl2d_sag', 2],
  ['HFDL', '2_t1_fl2d_sag', 2],
  ['HFDR', '2_t1_fl2d_sag', 2],
];

// dcm2niix's affine (RAS, its voxel order), as printed in the README (3 decimals).
const DCM2NIIX_RAS: Mat4 = [0, 0, 4.8, -81.6, -1.016, 0, 0, 130.0, 0, 1.016, 0, -128.984, 0, 0, 0, 1];
// dcm2niix stores DICOM rows bottom-up: its j = 255 - our j; i (columns) and k (sorted slices) are the same.
const OURS_TO_DCM2NIIX: Mat4 = [1, 0, 0, 0, 0, -1, 0, 255, 0, 0, 1, 0, 0, 0, 0, 1];
const EXPECTED_LPS = flipRasLps(multiply4(DCM2NIIX_RAS, OURS_TO_DCM2NIIX));

describe('dcm_qa_decubitus: four patient positions, one geometry', () => {
  it('the expected LPS affine works out to i = +y, j = -z, k = -x, origin (81.6, -130, ~130)', () => {
    // Sanity of the derivation itself (at the README's 3-decimal precision).
    expect(EXPECTED_LPS.map((x) => Math.round(x * 1000) / 1000 + 0)).toEqual([
      0, 0, -4.8, 81.6, 1.016, 0, 0, -130, 0, -1.016, 0, 130.096, 0, 0, 0, 1,
    ]);
  });

  const affines: Mat4[] = [];
  for (const [pos, folder, seriesNumber] of POSITIONS) {
    it(`${pos}: dims, affine equal to dcm2niix's, PatientPosition recorded but not applied`, async () => {
      const dir = testData('dcm_qa_decubitus', 'In', pos, folder);
      const r = await readDicom([dir]);
      expect(r.skipped).toEqual([]);
      expect(r.volumes).toHaveLength(1);
      const v = r.volumes[0]!;
      expect(v.geometry.dims).toEqual([256, 256, 3]);
      expect(v.source.dicom?.patientPosition).toBe(pos);
      expect(v.source.dicom?.seriesNumber).toBe(seriesNumber);
      expect(v.source.description).toBe('t1_fl2d_sag');
      const a = v.geometry.affineLPS;
      for (let e = 0; e < 12; e++) {
        // Direction columns to the README's rounding of 1.015625 (1.016); the origin column to 255 x that rounding.
        const tol = e % 4 === 3 ? 0.15 : 1e-3;
        expect(Math.abs(a[e]! - EXPECTED_LPS[e]!)).toBeLessThanOrEqual(tol);
      }
      // Exactly: origin is the IPP of file 0035 (x = 81.6), the first slice sorted along the normal (-1, 0, 0).
      expect(path.basename(v.source.files[0]!)).toMatch(/^0035_/);
      expect(a[3]).toBeCloseTo(81.599998474121, 9);
      expect(a[7]).toBe(-130);
      expect(a[11]).toBe(130);
      expect(a[2]).toBeCloseTo(-4.8, 5);
      affines.push(a);
    });
  }

  it('all four positions give the same affine', () => {
    expect(affines).toHaveLength(4);
    for (const a of affines) for (let e = 0; e < 16; e++) expect(a[e]).toBeCloseTo(affines[0]![e]!, 6);
  });
});
