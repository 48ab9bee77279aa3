import { describe, expect, it } from 'vitest';
import { clipRange, defaultNormalisation, normaliseToBytes, ZSCORE_CLIP } from './normalise';

describe('byte normalisation for the trainer', () => {
  it('picks the CT window for CT, the z-score for MR, percentiles otherwise', () => {
    expect(defaultNormalisation('CT', -1024).kind).toBe('ct-window');
    expect(defaultNormalisation(null, -1024).kind).toBe('ct-window');
    expect(defaultNormalisation('MR', 0)).toEqual({ kind: 'zscore' });
    expect(defaultNormalisation('PT', 0).kind).toBe('percentile');
  });

  it('z-scores an MR volume: byte/255 = (z + 5) / 10, whatever its scale', () => {
    // Two scans of one anatomy with different gains and offsets give the same bytes.
    const base = Array.from({ length: 4000 }, (_, i) => Math.sin(i * 0.37) * 40 + (i % 7) * 3);
    const a = normaliseToBytes({ data: base, rescale: { slope: 1, intercept: 0 } }, { kind: 'zscore' });
    const b = normaliseToBytes(
      { data: base.map((v) => v * 3.5 + 900), rescale: { slope: 1, intercept: 0 } },
      {
        kind: 'zscore',
      },
    );
    expect(b).toEqual(a);
    const mean = base.reduce((s, v) => s + v, 0) / base.length;
    const std = Math.sqrt(base.reduce((s, v) => s + (v - mean) ** 2, 0) / base.length);
    const [lo, hi] = clipRange({ data: base, rescale: { slope: 1, intercept: 0 } }, { kind: 'zscore' });
    expect(lo).toBeCloseTo(mean - ZSCORE_CLIP * std, 6);
    expect(hi).toBeCloseTo(mean + ZSCORE_CLIP * std, 6);
    // Decoded back, the bytes have mean ~0 and std ~1 in z units (quantisation: 10/255 std per step).
    const z = Array.from(a, (v) => (v / 255) * 2 * ZSCORE_CLIP - ZSCORE_CLIP);
    const zm = z.reduce((s, v) => s + v, 0) / z.length;
    const zs = Math.sqrt(z.reduce((s, v) => s + (v - zm) ** 2, 0) / z.length);
    expect(Math.abs(zm)).toBeLessThan(0.02);
    expect(Math.abs(zs - 1)).toBeLessThan(0.02);
  });

  it('a constant volume maps to the middle byte, not NaN', () => {
    const out = normaliseToBytes(
      { data: [7, 7, 7, 7], rescale: { slope: 2, intercept: 1 } },
      { kind: 'zscore' },
    );
    expect(Array.from(out)).toEqual([128, 128, 128, 128]);
  });

  it('windows CT in HU after the rescale', () => {
    const out = normaliseToBytes(
      { data: [0, 1024, 2524], rescale: { slope: 1, intercept: -1024 } },
      { kind: 'ct-window', center: -600, width: 1500 },
    );
    // -1024 HU, 0 HU, 1500 HU against the window [-1350, 150] HU.
    expect(Array.from(out)).toEqual([Math.round((326 / 1500) * 255), Math.round((1350 / 1500) * 255), 255]);
  });
});
