// Facts from resources/test-data/sct_testing_data_spinalcord/README.md (Spinal Cord Toolbox test data): awkward
// orientations (PSR sagittal, oblique LAS), int16 / float32 / int64 data, q/s codes, mask voxel counts.
import { describe, expect, it } from 'vitest';
import { readNifti, readNiftiHeader } from './read';
import { axcodes, columnNorms, countNonZero, maxAbsDiff, rasAffine, testData } from './test-support';

const file = (...p: string[]): string => testData('sct_testing_data_spinalcord', ...p);

interface Fact {
  path: string[];
  dims: [number, number, number];
  spacing: [number, number, number];
  orientation: string;
  /** In-memory type (int64 masks become int32, see datatypes.ts). */
  scalarType: string;
  onDisk: string;
  codes: [number, number];
  nonZero?: number;
}

// README table; spacing 7.5 is stored as 7.499999 (float32 rounding in the header), hence 5 decimals below.
const FACTS: Fact[] = [
  {
    path: ['t2', 't2.nii.gz'],
    dims: [60, 55, 52],
    spacing: [1, 1, 1],
    orientation: 'PSR',
    scalarType: 'int16',
    onDisk: 'int16',
    codes: [2, 1],
  },
  {
    path: ['t2', 't2_seg-manual.nii.gz'],
    dims: [60, 55, 52],
    spacing: [1, 1, 1],
    orientation: 'PSR',
    scalarType: 'uint8',
    onDisk: 'uint8',
    codes: [2, 2],
    nonZero: 4275,
  },
  {
    path: ['t2', 't2_seg-deepseg_sc-2d.nii.gz'],
    dims: [60, 55, 52],
    spacing: [1, 1, 1],
    orientation: 'PSR',
    scalarType: 'uint8',
    onDisk: 'uint8',
    codes: [2, 2],
    nonZero: 4275,
  },
  {
    path: ['t2', 't2_seg-deepseg_sc-3d.nii.gz'],
    dims: [60, 55, 52],
    spacing: [1, 1, 1],
    orientation: 'PSR',
    scalarType: 'uint8',
    onDisk: 'uint8',
    codes: [2, 2],
    nonZero: 4285,
  },
  {
    path: ['t1', 't1w_seg-manual.nii.gz'],
    dims: [42, 76, 77],
    spacing: [1, 1, 1],
    orientation: 'RAS',
    scalarType: 'uint8',
    onDisk: 'uint8',
    codes: [2, 2],
    nonZero: 5437,
  },
  {
    path: ['t2s', 't2s.nii.gz'],
    dims: [49, 54, 9],
    spacing: [0.5, 0.5, 7.5],
    orientation: 'LAS',
    scalarType: 'float32',
    onDisk: 'float32',
    codes: [2, 1],
  },
  {
    path: ['t2s', 't2s_seg.nii.gz'],
    dims: [49, 54, 9],
    spacing: [0.5, 0.5, 7.5],
    orientation: 'LAS',
    scalarType: 'uint8',
    onDisk: 'uint8',
    codes: [2, 1],
    nonZero: 2885,
  },
  {
    path: ['t2s', 't2s_seg-deepseg.nii.gz'],
    dims: [49, 54, 9],
    spacing: [0.5, 0.5, 7.5],
    orientation: 'LAS',
    scalarType: 'int32',
    onDisk: 'int64',
    codes: [0, 2],
    nonZero: 2443,
  },
  {
    path: ['t2s', 't2s_gmseg_manual.nii.gz'],
    dims: [49, 54, 9],
    spacing: [0.5, 0.5, 7.5],
    orientation: 'LAS',
    scalarType: 'int16',
    onDisk: 'int16',
    codes: [2, 1],
    nonZero: 519,
  },
];

describe('SCT spinal-cord data: the README facts', () => {
  for (const f of FACTS) {
    it(`${f.path.join('/')}: ${f.dims.join('x')}, ${f.orientation}, ${f.onDisk}, q/s ${f.codes.join('/')}`, async () => {
      const v = await readNifti(file(...f.path));
      expect(v.geometry.dims).toEqual(f.dims);
      expect(v.frames).toBe(1);
      expect(v.scalarType).toBe(f.scalarType);
      expect(axcodes(rasAffine(v))).toBe(f.orientation);
      const spacing = columnNorms(v.geometry.affineLPS);
      for (let i = 0; i < 3; i++) expect(spacing[i]).toBeCloseTo(f.spacing[i]!, 5);
      const info = await readNiftiHeader(file(...f.path));
      expect(info.datatype.name).toBe(f.onDisk);
      expect([info.qformCode, info.sformCode]).toEqual(f.codes);
      expect(info.affineSource).toBe('sform');
      if (f.nonZero !== undefined) expect(countNonZero(v)).toBe(f.nonZero);
    });
  }

  it('t2 (sform code 1) and its manual mask (sform code 2) share one grid', async () => {
    const image = await readNifti(file('t2', 't2.nii.gz'));
    const mask = await readNifti(file('t2', 't2_seg-manual.nii.gz'));
    expect(maxAbsDiff(image.geometry.affineLPS, mask.geometry.affineLPS)).toBeLessThan(1e-4);
  });

  it('t2 is sagittal: i runs posterior, j superior, k to the right (nibabel affine, flipped to LPS)', async () => {
    const v = await readNifti(file('t2', 't2.nii.gz'));
    // nibabel (RAS): [[0, 0, 1, -32.219284], [-1, 0, 0, 31.786606], [0, 1, 0, -19.321671]]; LPS negates rows x, y.
    const expected = [0, 0, -1, 32.219284, 1, 0, 0, -31.786606, 0, 1, 0, -19.321671, 0, 0, 0, 1];
    expect(maxAbsDiff(v.geometry.affineLPS, expected)).toBeLessThan(1e-5);
  });

  it('the manual and deepseg-2d t2 masks are voxel-identical (Dice 1)', async () => {
    const a = await readNifti(file('t2', 't2_seg-manual.nii.gz'));
    const b = await readNifti(file('t2', 't2_seg-deepseg_sc-2d.nii.gz'));
    expect(Buffer.compare(Buffer.from(a.data.buffer), Buffer.from(b.data.buffer))).toBe(0);
  });

  it('the int64 deepseg mask (values 0/1) becomes int32 with the same voxels as nibabel counts', async () => {
    const v = await readNifti(file('t2s', 't2s_seg-deepseg.nii.gz'));
    expect(v.data).toBeInstanceOf(Int32Array);
    const values = new Set(v.data);
    expect([...values].sort()).toEqual([0, 1]);
  });

  it('t2s (oblique, float32) keeps its off-diagonal terms', async () => {
    const v = await readNifti(file('t2s', 't2s.nii.gz'));
    // nibabel: affine[1][2] = -0.131089, affine[0][2] = 0.026537 (RAS); LPS negates rows x and y.
    expect(v.geometry.affineLPS[6]).toBeCloseTo(0.131089, 5);
    expect(v.geometry.affineLPS[2]).toBeCloseTo(-0.026537, 5);
  });

  it('mt1_gmseg is a soft float mask: max 1.059, 99 voxels above 0.5 (README)', async () => {
    const v = await readNifti(file('mt', 'mt1_gmseg.nii.gz'));
    expect(v.scalarType).toBe('float32');
    expect(v.geometry.dims).toEqual([40, 40, 5]);
    let above = 0;
    let max = -Infinity;
    for (const x of v.data) {
      if (x > 0.5) above++;
      max = Math.max(max, x);
    }
    expect(above).toBe(99);
    expect(max).toBeCloseTo(1.059, 3);
    const spacing = columnNorms(v.geometry.affineLPS);
    expect(spacing[0]).toBeCloseTo(0.84375, 5);
    expect(spacing[2]).toBeCloseTo(17, 4);
  });
});
