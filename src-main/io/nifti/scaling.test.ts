// Scaling rules, with nibabel 5.0's doctests (Nifti1Header.get_slope_inter, Spm2AnalyzeHeader.get_slope_inter)
// as the known answers.
import { describe, expect, it } from 'vitest';
import { blankHeader, type RawHeader } from './header';
import { rescaleOf } from './scaling';

function nifti(sclSlope: number, sclInter: number): RawHeader {
  return { ...blankHeader('nifti1'), sclSlope, sclInter };
}

describe('NIfTI scl_slope / scl_inter (Nifti1Header.get_slope_inter)', () => {
  it('(1, 0) and (1, 1) are used as given', () => {
    expect(rescaleOf(nifti(1, 0))).toEqual({ ok: true, rescale: { slope: 1, intercept: 0 } });
    expect(rescaleOf(nifti(1, 1))).toEqual({ ok: true, rescale: { slope: 1, intercept: 1 } });
    expect(rescaleOf(nifti(0.5, -1024))).toEqual({ ok: true, rescale: { slope: 0.5, intercept: -1024 } });
  });

  it('slope 0, NaN or infinite means no scaling, whatever the intercept', () => {
    for (const slope of [0, NaN, Infinity, -Infinity]) {
      expect(rescaleOf(nifti(slope, 7))).toEqual({ ok: true, rescale: { slope: 1, intercept: 0 } });
      expect(rescaleOf(nifti(slope, NaN))).toEqual({ ok: true, rescale: { slope: 1, intercept: 0 } });
    }
  });

  it('a valid slope with a non-finite intercept is refused ("invalid scl_inter")', () => {
    for (const inter of [NaN, Infinity, -Infinity]) {
      const r = rescaleOf(nifti(2, inter));
      expect(r.ok).toBe(false);
      expect(!r.ok && r.reason).toMatch(/^invalid scl_inter/);
    }
  });
});

describe('SPM2 Analyze scaling (Spm2AnalyzeHeader.get_slope_inter)', () => {
  const spm = (patch: Partial<RawHeader>): RawHeader => ({
    ...blankHeader('analyze'),
    sclSlope: 1,
    sclInter: 0,
    ...patch,
  });

  it('funused1 slope with funused2 intercept; a non-finite intercept reads as 0', () => {
    expect(rescaleOf(spm({}))).toEqual({ ok: true, rescale: { slope: 1, intercept: 0 } });
    expect(rescaleOf(spm({ sclInter: 0.5 }))).toEqual({ ok: true, rescale: { slope: 1, intercept: 0.5 } });
    expect(rescaleOf(spm({ sclInter: NaN }))).toEqual({ ok: true, rescale: { slope: 1, intercept: 0 } });
  });

  it('no valid slope: glmax/glmin + cal_max/cal_min when both ranges are non-zero, else identity', () => {
    expect(rescaleOf(spm({ sclSlope: 0 }))).toEqual({ ok: true, rescale: { slope: 1, intercept: 0 } });
    expect(rescaleOf(spm({ sclSlope: NaN, calMax: 0.8, calMin: 0.2 }))).toEqual({
      ok: true,
      rescale: { slope: 1, intercept: 0 },
    });
    // Stored as float32 in the header, as nibabel reads them.
    const calMax = Math.fround(0.8);
    const calMin = Math.fround(0.2);
    const r = rescaleOf(spm({ sclSlope: 0, calMax, calMin, glMax: 110, glMin: 10 }));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.rescale.slope).toBeCloseTo(0.6 / 100, 9);
      expect(r.rescale.intercept).toBeCloseTo(0.2 - (0.6 / 100) * 10, 7);
    }
  });
});
