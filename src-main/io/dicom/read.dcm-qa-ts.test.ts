// dcm_qa_ts: one Siemens EPI mosaic (64x64x35 in a 384x384 image) in 9 transfer syntaxes. Every syntax must
// unpack to the same volume, voxel for voxel equal to dcm2niix's Ref/1.nii (sum 38,036,663) once both grids
// are mapped to LPS through their affines.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ImageVolume } from '../../core/volume/types';
import { readNifti } from '../nifti/read';
import { readDicom } from './read';
import { compareWithReference } from './test-support/compare';
import { testData } from './test-support/paths';

const SYNTAXES: [number, string][] = [
  [1, '1.2.840.10008.1.2.1'],
  [2, '1.2.840.10008.1.2'],
  [3, '1.2.840.10008.1.2.2'],
  [4, '1.2.840.10008.1.2.5'],
  [5, '1.2.840.10008.1.2.4.70'],
  [6, '1.2.840.10008.1.2.4.70'],
  [7, '1.2.840.10008.1.2.4.80'],
  [8, '1.2.840.10008.1.2.4.80'],
  [9, '1.2.840.10008.1.2.4.90'],
];

const ref = await readNifti(testData('dcm_qa_ts', 'Ref', '1.nii'));

function sha(v: ImageVolume): string {
  return createHash('sha256')
    .update(new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength))
    .digest('hex');
}

describe('dcm_qa_ts: Siemens mosaic in 9 transfer syntaxes', () => {
  it('the reference is 64x64x35 int16 with voxel sum 38,036,663', () => {
    expect(ref.geometry.dims).toEqual([64, 64, 35]);
    expect(ref.scalarType).toBe('int16');
    expect(ref.rescale).toEqual({ slope: 1, intercept: 0 });
    let sum = 0;
    for (const x of ref.data) sum += x;
    expect(sum).toBe(38036663);
  });

  const hashes = new Map<number, string>();
  for (const [n, uid] of SYNTAXES) {
    it(`In/${n}.dcm (${uid}) unpacks to dcm2niix's volume voxel for voxel`, async () => {
      const r = await readDicom([testData('dcm_qa_ts', 'In', `${n}.dcm`)]);
      expect(r.skipped).toEqual([]);
      const v = r.volumes[0]!;
      expect(v.source.dicom?.transferSyntaxUID).toBe(uid);
      expect(v.geometry.dims).toEqual([64, 64, 35]);
      expect(v.source.dicom?.notes).toContain('Siemens mosaic of 35 slices unpacked (6x6 tiles)');
      let sum = 0;
      for (const x of v.data) sum += x;
      expect(sum).toBe(38036663);
      const c = compareWithReference(v, ref);
      expect(c.outside).toBe(0);
      expect(c.maxIndexOffset).toBeLessThan(1e-3);
      expect(c.differing).toBe(0);
      // Same i and k as dcm2niix; dcm2niix flips the rows (its j = 63 - ours).
      expect(c.indexMap).toEqual([1, 0, 0, 0, 0, -1, 0, 63, 0, 0, 1, 0, 0, 0, 0, 1]);
      hashes.set(n, sha(v));
    });
  }

  it('all nine decode to the identical array', () => {
    expect(hashes.size).toBe(9);
    expect(new Set(hashes.values()).size).toBe(1);
  });
});
