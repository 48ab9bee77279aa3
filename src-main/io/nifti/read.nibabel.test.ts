// Known answers from nibabel 5.0 (manifest_nibabel.json) and the NIfTI C library (nifti_tool_crosscheck.txt)
// on nibabel's own test images, bundled in resources/test-data/nibabel_testdata_debian.
import fs from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors';
import { qformAffine } from './geometry';
import { parseHeader } from './header';
import { readNifti, readNiftiHeader } from './read';
import { axcodes, columnNorms, maxAbsDiff, rasAffine, scaledStats, testData } from './test-support';

interface ManifestEntry {
  class: string;
  shape: number[];
  on_disk_dtype: string;
  zooms: number[];
  affine: number[][];
  axcodes: string;
  qform_code?: number;
  sform_code?: number;
  data_min?: number;
  data_max?: number;
  data_mean?: number;
  data_sum?: number;
  data_error?: string;
}

const dir = (...p: string[]): string => testData('nibabel_testdata_debian', ...p);
// The manifest has bare NaN tokens (Python's json.dumps); JSON.parse needs them quoted.
const manifest = JSON.parse(
  fs.readFileSync(dir('manifest_nibabel.json'), 'utf8').replace(/\bNaN\b/g, '"NaN"'),
) as { files: Record<string, ManifestEntry> };
const num = (x: number | string | undefined): number => (x === 'NaN' ? NaN : Number(x));

const images = Object.entries(manifest.files).filter(([, e]) => !e.data_error);
const headerOnly = Object.entries(manifest.files).filter(([, e]) => e.data_error);

/** The affine as the manifest prints it (6 decimals), so compared to 2e-6. */
const AFFINE_TOL = 2e-6;

function scalarTypeOf(onDisk: string): string {
  const base = onDisk.replace(/^[<>|=]/, '');
  return { i2: 'int16', f4: 'float32', u1: 'uint8' }[base] ?? base;
}

describe('nibabel test images: every image of the manifest', () => {
  it('lists the images this test expects (7 with data, 3 header-only)', () => {
    expect(images.map(([f]) => f).sort()).toEqual(
      [
        'anatomical.nii',
        'example4d.nii.gz',
        'example_nifti2.nii.gz',
        'functional.nii',
        'reoriented_anat_moved.nii',
        'resampled_anat_moved.nii',
        'standard.nii.gz',
      ].sort(),
    );
    expect(headerOnly.map(([f]) => f).sort()).toEqual(['analyze.hdr', 'nifti1.hdr', 'nifti2.hdr']);
  });

  for (const [name, e] of images) {
    it(`${name}: shape, affine, dtype, orientation and scaled-value statistics`, async () => {
      const v = await readNifti(dir('files', name));
      const shape = v.frames > 1 ? [...v.geometry.dims, v.frames] : [...v.geometry.dims];
      expect(shape).toEqual(e.shape);
      expect(v.scalarType).toBe(scalarTypeOf(e.on_disk_dtype));
      expect(maxAbsDiff(rasAffine(v), e.affine.flat())).toBeLessThan(AFFINE_TOL);
      expect(axcodes(rasAffine(v))).toBe(e.axcodes);
      const spacing = columnNorms(rasAffine(v));
      for (let i = 0; i < 3; i++) expect(spacing[i]).toBeCloseTo(e.zooms[i]!, 5);
      const s = scaledStats(v);
      for (const [got, want] of [
        [s.min, num(e.data_min)],
        [s.max, num(e.data_max)],
        [s.mean, num(e.data_mean)],
        [s.sum, num(e.data_sum)],
      ] as const) {
        if (Number.isNaN(want)) expect(got).toBeNaN();
        else expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
      }
      expect(v.source).toEqual({
        format: 'nifti',
        files: [dir('files', name)],
        description: name.replace(/\.nii(\.gz)?$/, ''),
      });
    });
  }

  it('big-endian files are detected as such (anatomical >i2, *_anat_moved >f4)', async () => {
    for (const [name, e] of images) {
      const info = await readNiftiHeader(dir('files', name));
      expect(info.littleEndian, name).toBe(!e.on_disk_dtype.startsWith('>'));
    }
  });

  it('example_nifti2.nii.gz is read as NIfTI-2', async () => {
    expect((await readNiftiHeader(dir('files', 'example_nifti2.nii.gz'))).format).toBe('nifti2');
  });

  it('standard.nii.gz (qform 0 / sform 2) takes its affine from the sform', async () => {
    const info = await readNiftiHeader(dir('files', 'standard.nii.gz'));
    expect([info.qformCode, info.sformCode, info.affineSource]).toEqual([0, 2, 'sform']);
  });
});

describe('nibabel test images: header-only files', () => {
  for (const [name, e] of headerOnly) {
    it(`${name}: readNifti refuses it with an InputError naming the missing image file`, async () => {
      const err = await readNifti(dir('files', name)).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).file).toBe(dir('files', name));
      expect((err as InputError).reason).toContain(name.replace('.hdr', '.img'));
      expect((err as InputError).reason).toContain('missing');
    });

    it(`${name}: readNiftiHeader gives nibabel's shape and affine`, async () => {
      const info = await readNiftiHeader(dir('files', name));
      const shape = e.shape.length === 4 ? [...info.dims, info.frames] : [...info.dims];
      expect(shape).toEqual(e.shape);
      const ras = info.affineLPS.map((x, i) => (i < 8 ? -x : x));
      expect(maxAbsDiff(ras, e.affine.flat())).toBeLessThan(AFFINE_TOL);
      expect(info.format).toBe(
        e.class.startsWith('Spm2') ? 'analyze' : e.class.startsWith('Nifti2') ? 'nifti2' : 'nifti1',
      );
      if (e.qform_code !== undefined)
        expect([info.qformCode, info.sformCode]).toEqual([e.qform_code, e.sform_code]);
    });
  }
});

/** The fields nifti_tool printed for each image. */
function crosscheck(): Map<string, Record<string, number[]>> {
  const text = fs.readFileSync(dir('nifti_tool_crosscheck.txt'), 'utf8');
  const out = new Map<string, Record<string, number[]>>();
  for (const section of text.split(/^=== nifti_tool -disp_nim -infiles /m).slice(1)) {
    const name = section.split('\n', 1)[0]!.trim();
    const fields: Record<string, number[]> = {};
    for (const line of section.split('\n')) {
      const m = /^\s{2}(\w+)\s+\d+\s+\d+\s+(.+)$/.exec(line);
      if (m) fields[m[1]!] = m[2]!.trim().split(/\s+/).map(Number);
    }
    out.set(name, fields);
  }
  return out;
}

/**
 * nibabel 5.0 `header.get_qform()` (Debian python3-nibabel, printed to 9 decimals) for the two images whose
 * quaternion has a ≈ 0, where nibabel and the NIfTI C library disagree.
 */
const NIBABEL_QFORM: Record<string, number[]> = {
  'example4d.nii.gz': [
    -1.999999996, 1.0282e-5, 0.00013906, 117.855102539, -1.0282e-5, 1.973711438, -0.355528225, -35.722942352,
    0.000126418, 0.32320761, 2.171081683, -7.24879837, 0, 0, 0, 1,
  ],
};
NIBABEL_QFORM['example_nifti2.nii.gz'] = NIBABEL_QFORM['example4d.nii.gz']!;

describe('nibabel test images: cross-check with the NIfTI C library (nifti_tool)', () => {
  const table = crosscheck();

  it('has the 7 images', () => {
    expect([...table.keys()].sort()).toEqual(images.map(([f]) => f).sort());
  });

  for (const [name, f] of table) {
    it(`${name}: datatype, byte order, scaling, codes, and the qform computed from the quaternion`, async () => {
      const info = await readNiftiHeader(dir('files', name));
      expect(info.datatype.code).toBe(f.datatype![0]);
      expect(info.littleEndian ? 1 : 2).toBe(f.byteorder![0]);
      expect([info.qformCode, info.sformCode]).toEqual([f.qform_code![0], f.sform_code![0]]);
      // nifti_tool prints scl_slope 1 / scl_inter 0 where there is no scaling, and 6 significant digits.
      expect(info.rescale.slope).toBeCloseTo(f.scl_slope![0]!, 6);
      expect(info.rescale.intercept).toBeCloseTo(f.scl_inter![0]!, 5);
      // The qform from our quaternion code against nifti_tool's qto_xyz (printed to 6 decimals).
      const raw = fs.readFileSync(dir('files', name));
      const bytes = name.endsWith('.gz') ? gunzipSync(raw) : raw;
      const parsed = parseHeader(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      if (!parsed.ok) throw new Error(parsed.reason);
      const q = qformAffine(parsed.header);
      if (!q.ok) throw new Error(q.reason);
      const [b, c, d] = parsed.header.quatern;
      const a2 = 1 - (b * b + c * c + d * d);
      if (!(a2 > 0 && a2 < 1e-7)) {
        expect(maxAbsDiff(q.affine, f.qto_xyz!)).toBeLessThan(2e-6);
      } else {
        // A near-180-degree rotation (0 < a² < 1e-7): the NIfTI C library snaps a to 0, nibabel (and Concord) keep
        // a = sqrt(1 - b² - c² - d²). The two differ by ~1e-4 there; we follow nibabel.
        expect(maxAbsDiff(q.affine, f.qto_xyz!)).toBeLessThan(2e-4);
        expect(maxAbsDiff(q.affine, NIBABEL_QFORM[name]!)).toBeLessThan(2e-9);
      }
      // The sform (used when sform_code > 0) against sto_xyz.
      const ras = info.affineLPS.map((x, i) => (i < 8 ? -x : x));
      expect(maxAbsDiff(ras, f.sto_xyz!)).toBeLessThan(2e-6);
    });
  }
});
