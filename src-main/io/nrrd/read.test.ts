// The NRRD reader against independent writers: numpy (test-support/nifti_to_nrrd.py: inline gzip in RAS,
// .nhdr + big-endian .raw, .nhdr + .raw.gz) from NIfTI images of ../shared/data, read back equal to the
// NIfTI reader's volume (values, dims, LPS affine); dcmqi's label maps equal plastimatch's NIfTI conversions.
// Hostile and unsupported headers: one line naming the file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, test } from 'vitest';
import { InputError } from '../../core/errors';
import type { ImageVolume } from '../../core/volume/types';
import { REPO_ROOT, tempDir } from '../../test-support/tmp';
import { readNifti } from '../nifti/read';
import { readNrrd } from './read';
import { encodeNrrd } from './write';

const SHARED = path.resolve(REPO_ROOT, '..', 'shared', 'data');
const CT3 = path.join(SHARED, 'dcmqi_ct3slice_seg');
const CH2 = path.join(SHARED, 'mricron_templates_debian', 'ch2.nii.gz');
const present = fs.existsSync(CT3) && fs.existsSync(CH2) && fs.existsSync('/usr/bin/python3');
const WRITER = path.join(__dirname, 'test-support', 'nifti_to_nrrd.py');

/** The NIfTI's physical values (stored * slope + intercept), as numbers. */
function physical(v: ImageVolume): Float64Array {
  const out = new Float64Array(v.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(v.data[i]) * v.rescale.slope + v.rescale.intercept;
  return out;
}

function expectSameImage(nrrd: ImageVolume, nifti: ImageVolume): void {
  expect(nrrd.geometry.dims).toEqual(nifti.geometry.dims);
  nrrd.geometry.affineLPS.forEach((x, i) => expect(x).toBeCloseTo(nifti.geometry.affineLPS[i]!, 5));
  const want = physical(nifti);
  let diff = 0;
  for (let i = 0; i < want.length; i++) if (Number(nrrd.data[i]) !== want[i]) diff++;
  expect(diff).toBe(0);
}

describe(`NRRD written by numpy from NIfTI (${present ? SHARED : 'skipped: ../shared/data or /usr/bin/python3 absent'})`, () => {
  const all = ['inline-gzip-ras', 'nhdr-raw-big', 'nhdr-gzip-lps'] as const;
  const cases = [
    [
      'CT, 3 slices, LAS, int16 with intercept -1024',
      path.join(CT3, 'derived_nifti', 'ct3slice.nii.gz'),
      all,
    ],
    ['MR template ch2, uint8', CH2, ['inline-gzip-ras'] as const],
  ] as const;
  for (const [what, nifti, variants] of cases) {
    for (const variant of variants) {
      const name = variant === 'inline-gzip-ras' ? 'img.nrrd' : 'img.nhdr';
      test.skipIf(!present)(`${what}: ${variant} reads as the NIfTI does`, async () => {
        const dir = tempDir();
        const out = path.join(dir, name);
        execFileSync('/usr/bin/python3', [WRITER, nifti, out, variant]);
        const [a, b] = [await readNrrd(out), await readNifti(nifti)];
        expectSameImage(a, b);
        expect(a.source.format).toBe('nrrd');
        expect(a.source.files.length).toBe(variant === 'inline-gzip-ras' ? 1 : 2);
      });
    }
  }
  test.skipIf(!present)("dcmqi's label maps (gzip, LPS) equal plastimatch's NIfTI conversions", async () => {
    for (const n of ['liver_seg', 'liver_spine_seg', 'partial_overlaps-1']) {
      const a = await readNrrd(path.join(CT3, 'data', 'segmentations', `${n}.nrrd`));
      const b = await readNifti(path.join(CT3, 'derived_nifti', `${n}.nii.gz`));
      expect(a.scalarType).toBe('int16');
      expectSameImage(a, b);
    }
  });
});

describe('NRRD written by encodeNrrd', () => {
  const dims: [number, number, number] = [5, 4, 3];
  const data = new Int16Array(60).map((_, i) => i * 37 - 900);
  const affine = [0, 0.9, 0, -10, -0.8, 0, 0, 20, 0, 0, 2.5, -30, 0, 0, 0, 1];
  for (const gzipLevel of [undefined, 6]) {
    it(`reads back equal (${gzipLevel ? 'gzip' : 'raw'}), keys escaped`, async () => {
      const file = path.join(tempDir(), 'w.nrrd');
      fs.writeFileSync(file, encodeNrrd({ dims, affineLPS: affine, scalarType: 'int16', data, gzipLevel }));
      const v = await readNrrd(file);
      expect(v.geometry).toEqual({ dims, affineLPS: affine });
      expect(Array.from(v.data)).toEqual(Array.from(data));
    });
  }
  it('plastimatch (ITK) reads the file to the same voxels and geometry', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'w.nrrd');
    fs.writeFileSync(file, encodeNrrd({ dims, affineLPS: affine, scalarType: 'int16', data, gzipLevel: 6 }));
    execFileSync('plastimatch', ['convert', '--input', file, '--output-img', path.join(dir, 'w.nii.gz')], {
      stdio: 'ignore',
    });
    const v = await readNifti(path.join(dir, 'w.nii.gz'));
    expect(v.geometry.dims).toEqual(dims);
    v.geometry.affineLPS.forEach((x, i) => expect(x).toBeCloseTo(affine[i]!, 5));
    expect(Array.from(v.data)).toEqual(Array.from(data));
  });
});

describe('bad and unsupported NRRD: one line naming the file', () => {
  const header = (lines: string[]) => ['NRRD0004', ...lines].join('\n') + '\n';
  const base = [
    'type: uint8',
    'dimension: 3',
    'sizes: 2 2 2',
    'space: left-posterior-superior',
    'space directions: (1,0,0) (0,1,0) (0,0,1)',
    'space origin: (0,0,0)',
  ];
  async function refusal(name: string, text: string | Buffer, extra: Record<string, string | Buffer> = {}) {
    const dir = tempDir();
    for (const [f, b] of Object.entries(extra)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), b);
    }
    fs.mkdirSync(path.join(dir, 'img'), { recursive: true });
    const file = path.join(dir, 'img', name);
    fs.writeFileSync(file, text);
    const e = await readNrrd(file).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    const m = (e as Error).message;
    expect(m.split('\n')).toHaveLength(1);
    expect(m.startsWith(path.join(dir, 'img'))).toBe(true);
    return m;
  }
  const raw8 = Buffer.alloc(8, 1);
  it('no magic', async () => {
    expect(await refusal('x.nrrd', 'hello\n\n')).toMatch(/not an NRRD file/);
  });
  it('a header without sizes, with an unknown type, or with a line that is no field', async () => {
    expect(
      await refusal(
        'a.nrrd',
        Buffer.concat([
          Buffer.from(header(base.filter((l) => !l.startsWith('sizes')).concat('encoding: raw')) + '\n'),
          raw8,
        ]),
      ),
    ).toMatch(/bad NRRD header: Sizes missing/);
    expect(
      await refusal(
        'b.nrrd',
        Buffer.concat([
          Buffer.from(header(['type: quaternion', ...base.slice(1), 'encoding: raw']) + '\n'),
          raw8,
        ]),
      ),
    ).toMatch(/bad NRRD header/);
    expect(
      await refusal(
        'c.nrrd',
        Buffer.concat([Buffer.from(header([...base, 'encoding: raw', 'this is not a field']) + '\n'), raw8]),
      ),
    ).toMatch(/bad NRRD header: unrecognised line/);
    expect(
      await refusal(
        'd.nrrd',
        Buffer.concat([
          Buffer.from(header(['type: int64', ...base.slice(1), 'encoding: raw', 'endian: little']) + '\n'),
          Buffer.alloc(64),
        ]),
      ),
    ).toMatch(/type 'int64' is not read/);
    expect(
      await refusal(
        'e.nrrd',
        Buffer.concat([Buffer.from(header([...base, 'encoding: bzip2']) + '\n'), raw8]),
      ),
    ).toMatch(/encoding 'bzip2'/);
  });
  it('a data file outside the header folder (.., absolute, or a link leading out)', async () => {
    const outside = { 'secret.raw': raw8 };
    expect(
      await refusal('a.nhdr', header([...base, 'encoding: raw', 'data file: ../secret.raw']), outside),
    ).toMatch(/data file '..\/secret.raw' lies outside the header's folder/);
    expect(await refusal('b.nhdr', header([...base, 'encoding: raw', 'data file: /etc/hostname']))).toMatch(
      /lies outside the header's folder/,
    );
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'secret.raw'), raw8);
    fs.mkdirSync(path.join(dir, 'img'));
    fs.symlinkSync(path.join(dir, 'secret.raw'), path.join(dir, 'img', 'link.raw'));
    fs.writeFileSync(
      path.join(dir, 'img', 'c.nhdr'),
      header([...base, 'encoding: raw', 'data file: link.raw']),
    );
    await expect(readNrrd(path.join(dir, 'img', 'c.nhdr'))).rejects.toThrow(
      /leads outside the header's folder \(a link\)/,
    );
  });
  it('truncated raw and gzip data, gzip holding more than announced, a missing data file', async () => {
    expect(
      await refusal(
        'a.nrrd',
        Buffer.concat([Buffer.from(header([...base, 'encoding: raw']) + '\n'), Buffer.alloc(5)]),
      ),
    ).toMatch(/truncated: the header announces 8 bytes of samples, the data hold 5/);
    const gz = execFileSync('gzip', ['-c'], { input: Buffer.alloc(8, 3) });
    expect(
      await refusal(
        'b.nrrd',
        Buffer.concat([
          Buffer.from(header([...base, 'encoding: gzip']) + '\n'),
          gz.subarray(0, gz.length - 6),
        ]),
      ),
    ).toMatch(/truncated/);
    const big = execFileSync('gzip', ['-c'], { input: Buffer.alloc(4096, 3) });
    expect(
      await refusal('c.nrrd', Buffer.concat([Buffer.from(header([...base, 'encoding: gzip']) + '\n'), big])),
    ).toMatch(/hold more than the 8 bytes/);
    expect(await refusal('d.nhdr', header([...base, 'encoding: raw', 'data file: gone.raw']))).toMatch(
      /file not found/,
    );
    expect(await refusal('e.nrrd', header([...base, 'encoding: raw']))).toMatch(/no data follow/);
  });
  it('spaces that are not patient spaces are refused, naming those that are read', async () => {
    const text =
      header([...base.map((l) => l.replace('left-posterior-superior', 'scanner-xyz')), 'encoding: raw']) +
      '\n';
    expect(await refusal('a.nrrd', Buffer.concat([Buffer.from(text), raw8]))).toMatch(
      /space 'scanner-xyz' is not a patient space Concord reads \(left-posterior-superior, right-anterior-superior, left-anterior-superior\)/,
    );
  });
  it('over the voxel limit, before reading the data', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'big.nrrd');
    fs.writeFileSync(
      file,
      header(['type: float', 'dimension: 3', 'sizes: 4000 4000 4000', 'encoding: raw', 'endian: little']) +
        '\n',
    );
    await expect(readNrrd(file)).rejects.toThrow(/more than the limit/);
  });
  it('quoted-string fields (which nrrd-js cannot parse): space units in mm read, other units refused', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'u.nrrd');
    const lines = [...base, 'space units: "mm" "mm" "mm"', 'labels: "x" "y" "z"', 'encoding: raw'];
    fs.writeFileSync(file, Buffer.concat([Buffer.from(header(lines) + '\n'), raw8]));
    expect((await readNrrd(file)).geometry.dims).toEqual([2, 2, 2]);
    const cm = lines.map((l) => l.replace('"mm" "mm" "mm"', '"cm" "cm" "cm"'));
    expect(await refusal('cm.nrrd', Buffer.concat([Buffer.from(header(cm) + '\n'), raw8]))).toMatch(
      /space units 'cm cm cm': Concord reads millimetres/,
    );
  });
  it('a header without space reads with its spacings, axes along L, P, S', async () => {
    const dir = tempDir();
    const file = path.join(dir, 's.nrrd');
    fs.writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(
          header(['type: uint8', 'dimension: 3', 'sizes: 2 2 2', 'spacings: 0.5 2 3', 'encoding: raw']) +
            '\n',
        ),
        raw8,
      ]),
    );
    const v = await readNrrd(file);
    expect(v.geometry.affineLPS).toEqual([0.5, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1]);
  });
});
