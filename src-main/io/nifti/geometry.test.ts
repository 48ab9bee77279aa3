// Affine selection and the qform, against nibabel 5.0 (doctests of analyze.py / spm99analyze.py, and
// Nifti1Header.set_qform / get_qform values printed by Debian python3-nibabel for the affines below).
import { describe, expect, it } from 'vitest';
import {
  baseAffine,
  bestAffineRAS,
  effectiveCode,
  qformAffine,
  qformFromAffine,
  spmOriginAffine,
} from './geometry';
import { blankHeader, type RawHeader } from './header';
import { maxAbsDiff } from './test-support';

function header(patch: Partial<RawHeader>, format: RawHeader['format'] = 'nifti1'): RawHeader {
  return { ...blankHeader(format), ...patch };
}

/** A RAS affine with rotation (LAS-like, oblique) and the one with shear and a left-handed frame. */
const OBLIQUE = [
  -0.69, -0.05, -0.1, 170.5, 0.08, -0.68, -0.2, -150.25, 0.02, -0.1, 1.24, -200.125, 0, 0, 0, 1,
];
const SHEARED_LEFT = [0.9, 0.1, 0, -10, 0, 1.1, 0, 20, 0.05, 0, -2.5, 30, 0, 0, 0, 1];

describe('fallback affines (nibabel doctests)', () => {
  it('get_base_affine: shape (3, 5, 7), zooms (3, 2, 1) -> centred, x flipped', () => {
    const h = header({ dim: [3, 3, 5, 7, 1, 1, 1, 1], pixdim: [1, 3, 2, 1, 1, 1, 1, 1] });
    expect(baseAffine(h)).toEqual([-3, 0, 0, 3, 0, 2, 0, -4, 0, 0, 1, -3, 0, 0, 0, 1]);
  });

  it('get_origin_affine: SPM origin (3, 4, 5) is used; an unset origin falls back to the centre', () => {
    const h = header(
      { dim: [3, 3, 5, 7, 1, 1, 1, 1], pixdim: [1, 3, 2, 1, 1, 1, 1, 1], spmOrigin: [3, 4, 5] },
      'analyze',
    );
    expect(spmOriginAffine(h)).toEqual([-3, 0, 0, 6, 0, 2, 0, -6, 0, 0, 1, -4, 0, 0, 0, 1]);
    expect(spmOriginAffine({ ...h, spmOrigin: [0, 0, 0] })).toEqual([
      -3, 0, 0, 3, 0, 2, 0, -4, 0, 0, 1, -3, 0, 0, 0, 1,
    ]);
    // Implausible origin (beyond 2 * dim): centre again.
    expect(spmOriginAffine({ ...h, spmOrigin: [3, 4, 100] })).toEqual(baseAffine(h));
  });

  it('2D images pad the missing axis with size 1 and zoom 1', () => {
    const h = header({ dim: [2, 4, 6, 1, 1, 1, 1, 1], pixdim: [1, 0.5, 0.25, 9, 1, 1, 1, 1] });
    expect(baseAffine(h)).toEqual([-0.5, 0, 0, 0.75, 0, 0.25, 0, -0.625, 0, 0, 1, -0, 0, 0, 0, 1]);
  });

  it('pixdim fixes: 0 reads as 1, negative as its absolute value', () => {
    const h = header({ dim: [3, 1, 1, 1, 1, 1, 1, 1], pixdim: [1, 0, -2, 3, 1, 1, 1, 1] });
    expect(baseAffine(h).filter((_, i) => [0, 5, 10].includes(i))).toEqual([-1, 2, 3]);
  });
});

describe('best affine precedence (get_best_affine)', () => {
  const srow = [2, 0, 0, 10, 0, 3, 0, 20, 0, 0, 4, 30];
  const q = {
    quatern: [0, 0, 1] as [number, number, number],
    qoffset: [1, 2, 3] as [number, number, number],
  };

  it('sform when sform_code is 1..5, whatever the qform says', () => {
    for (const code of [1, 2, 3, 4, 5]) {
      const r = bestAffineRAS(header({ sformCode: code, qformCode: 1, srow, ...q }));
      expect(r.ok && r.source).toBe('sform');
      expect(r.ok && r.affine).toEqual([...srow, 0, 0, 0, 1]);
    }
  });

  it('qform when only qform_code is valid; codes outside 0..5 count as 0', () => {
    const r = bestAffineRAS(header({ sformCode: 7, qformCode: 2, srow, ...q }));
    expect(r.ok && r.source).toBe('qform');
    // quaternion (0, 0, 1): 180 degrees about z -> diag(-1, -1, 1).
    expect(r.ok && r.affine).toEqual([-1, 0, 0, 1, 0, -1, 0, 2, 0, 0, 1, 3, 0, 0, 0, 1]);
    const none = bestAffineRAS(header({ sformCode: -1, qformCode: 6, srow, ...q }));
    expect(none.ok && none.source).toBe('base');
    expect([effectiveCode(0), effectiveCode(3), effectiveCode(6), effectiveCode(-2)]).toEqual([0, 3, 0, 0]);
  });

  it('qfac -1 negates the k column; qfac values other than -1 read as 1', () => {
    const base = header({ qformCode: 1, pixdim: [-1, 2, 3, 4, 1, 1, 1, 1] });
    const r = qformAffine(base);
    expect(r.ok && maxAbsDiff(r.affine, [2, 0, 0, 0, 0, 3, 0, 0, 0, 0, -4, 0, 0, 0, 0, 1])).toBe(0);
    const zero = qformAffine({ ...base, pixdim: [0, 2, 3, 4, 1, 1, 1, 1] });
    expect(zero.ok && zero.affine[10]).toBe(4);
  });

  it('refuses a quaternion that is not unit, a singular sform, and non-finite values', () => {
    const bad = bestAffineRAS(header({ qformCode: 1, quatern: [0.9, 0.9, 0] }));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/qform quaternion/);
    const singular = bestAffineRAS(header({ sformCode: 1, srow: new Array<number>(12).fill(0) }));
    expect(!singular.ok && singular.reason).toMatch(/sform affine is singular/);
    const nan = bestAffineRAS(header({ sformCode: 1, srow: [NaN, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0] }));
    expect(!nan.ok && nan.reason).toMatch(/non-finite/);
  });
});

describe('qform from an affine (nibabel set_qform, strip_shears=True)', () => {
  it('an oblique right-handed affine: nibabel quaternion, zooms and qfac', () => {
    const f = qformFromAffine(OBLIQUE)!;
    expect(f.qfac).toBe(1);
    expect(
      maxAbsDiff(f.quatern, [-0.013291849754750729, -0.07757466286420822, 0.9957000613212585]),
    ).toBeLessThan(1e-7);
    expect(maxAbsDiff(f.pixdim, [0.6949100494384766, 0.6891298890113831, 1.2599999904632568])).toBeLessThan(
      1e-7,
    );
    expect(f.qoffset).toEqual([170.5, -150.25, -200.125]);
    // nibabel get_qform() of that header (float32 fields, as a NIfTI-1 header stores them): the closest
    // shear-free affine.
    const f32 = (v: number[]): [number, number, number] => v.map(Math.fround) as [number, number, number];
    const q = qformAffine(
      header({
        qformCode: 1,
        quatern: f32(f.quatern),
        qoffset: f.qoffset,
        pixdim: [f.qfac, ...f32(f.pixdim), 1, 1, 1, 1],
      }),
    );
    const expected = [
      -0.6913472, -0.0656253, -0.0429022, 170.5, 0.0690418, -0.677546, -0.1930111, -150.25, -0.0131265,
      -0.1073533, 1.2443898, -200.125, 0, 0, 0, 1,
    ];
    expect(q.ok && maxAbsDiff(q.affine, expected)).toBeLessThan(1e-7);
  });

  it('a sheared left-handed affine: qfac -1 and nibabel quaternion', () => {
    const f = qformFromAffine(SHEARED_LEFT)!;
    expect(f.qfac).toBe(-1);
    expect(
      maxAbsDiff(f.quatern, [-0.0006295079947449267, -0.013877730816602707, -0.022682679817080498]),
    ).toBeLessThan(1e-7);
    expect(maxAbsDiff(f.pixdim, [0.9013878107070923, 1.1045360565185547, 2.5])).toBeLessThan(1e-7);
  });

  it('an affine without shear comes back exactly from its qform', () => {
    // 30 degrees about (1, 1, 0) scaled by (0.7, 0.8, 2.5), mirrored in k (left-handed), offset.
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const u = [Math.SQRT1_2, Math.SQRT1_2, 0];
    const r = [0, 1, 2].map((i) =>
      [0, 1, 2].map((j) => {
        const cross = [
          [0, -u[2]!, u[1]!],
          [u[2]!, 0, -u[0]!],
          [-u[1]!, u[0]!, 0],
        ][i]![j]!;
        return (i === j ? c : 0) + (1 - c) * u[i]! * u[j]! + s * cross;
      }),
    );
    const zooms = [0.7, 0.8, -2.5];
    const a = [0, 1, 2].flatMap((i) => [...[0, 1, 2].map((j) => r[i]![j]! * zooms[j]!), [12.5, -30, 44][i]!]);
    const affine = [...a, 0, 0, 0, 1];
    const f = qformFromAffine(affine)!;
    expect(f.qfac).toBe(-1);
    const back = qformAffine(
      header(
        { qformCode: 1, quatern: f.quatern, qoffset: f.qoffset, pixdim: [f.qfac, ...f.pixdim, 1, 1, 1, 1] },
        'nifti2',
      ),
    );
    expect(back.ok && maxAbsDiff(back.affine, affine)).toBeLessThan(1e-12);
  });

  it('refuses a singular affine', () => {
    expect(qformFromAffine([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toBeNull();
  });
});
