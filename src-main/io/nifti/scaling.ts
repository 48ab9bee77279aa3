// Stored-to-physical value scaling (physical = stored * slope + intercept), exactly as nibabel 5.0 reads it.
//  - NIfTI (Nifti1Header.get_slope_inter): slope 0 or not finite -> no scaling (identity); a valid slope with
//    a non-finite intercept is an error (nibabel: "Valid slope but invalid intercept").
//  - Analyze / SPM2 (Spm2AnalyzeHeader.get_slope_inter): a finite non-zero scl_slope (SPM's funused1) with
//    scl_inter (funused2, 0 when not finite); else, when glmax != glmin and cal_max != cal_min, the slope
//    mapping [glmin, glmax] onto [cal_min, cal_max]; else identity.

import type { Rescale } from '../../core/volume/types';
import type { RawHeader } from './header';

export type RescaleResult = { ok: true; rescale: Rescale } | { ok: false; reason: string };

const IDENTITY: Rescale = { slope: 1, intercept: 0 };

export function rescaleOf(h: RawHeader): RescaleResult {
  const slope = h.sclSlope;
  const inter = h.sclInter;
  const slopeValid = Number.isFinite(slope) && slope !== 0;
  if (h.format !== 'analyze') {
    if (!slopeValid) return { ok: true, rescale: { ...IDENTITY } };
    if (!Number.isFinite(inter)) {
      return { ok: false, reason: `invalid scl_inter (${inter}) with a valid scl_slope (${slope})` };
    }
    return { ok: true, rescale: { slope, intercept: inter } };
  }
  if (slopeValid) return { ok: true, rescale: { slope, intercept: Number.isFinite(inter) ? inter : 0 } };
  const unscaledRange = h.glMax - h.glMin;
  // cal_max - cal_min is computed in float32 by nibabel (numpy scalar arithmetic on the header fields).
  const scaledRange = Math.fround(h.calMax - h.calMin);
  if (unscaledRange !== 0 && scaledRange !== 0 && Number.isFinite(scaledRange)) {
    const s = scaledRange / unscaledRange;
    return { ok: true, rescale: { slope: s, intercept: h.calMin - s * h.glMin } };
  }
  return { ok: true, rescale: { ...IDENTITY } };
}
