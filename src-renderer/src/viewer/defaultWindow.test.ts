import { describe, expect, it } from 'vitest';
import { defaultWindow, looksLikeCT } from './defaultWindow';

describe('default window', () => {
  it('recognises CT by modality, or by Hounsfield-like values when there is none', () => {
    expect(looksLikeCT({ modality: 'CT', stats: { min: 0, max: 1, mean: 0 } })).toBe(true);
    expect(looksLikeCT({ modality: 'MR', stats: { min: -1024, max: 3000, mean: 0 } })).toBe(false);
    expect(looksLikeCT({ modality: null, stats: { min: -1024, max: 3071, mean: -500 } })).toBe(true);
    expect(looksLikeCT({ modality: null, stats: { min: 0, max: 800, mean: 100 } })).toBe(false);
  });

  it('opens CT in the mediastinum window and other images in auto', () => {
    const v = new Int16Array(100).map((_, i) => i);
    const base = { dims: [10, 10, 1] as [number, number, number], rescale: { slope: 1, intercept: 0 } };
    expect(defaultWindow({ ...base, modality: 'CT', stats: { min: 0, max: 99, mean: 50 } }, v)).toEqual({
      wl: { window: 350, level: 50 },
      source: 'mediastinum',
    });
    const mr = defaultWindow({ ...base, modality: 'MR', stats: { min: 0, max: 99, mean: 50 } }, v);
    expect(mr.source).toBe('auto');
    // ranks floor(0.01*99) = 0 and floor(0.99*99) = 98
    expect(mr.wl).toEqual({ window: 98, level: 49 });
  });
});
