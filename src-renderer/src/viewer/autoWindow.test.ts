import { describe, expect, it } from 'vitest';
import { autoWindow, percentile, sortedSample } from './autoWindow';

describe('auto window (1st–99th percentile)', () => {
  it('is exact on a small volume', () => {
    const v = new Uint16Array(1000);
    for (let i = 0; i < v.length; i++) v[i] = (i * 7919) % 1000; // 0..999 shuffled
    // ranks floor(0.01*999) = 9 and floor(0.99*999) = 989
    expect(autoWindow(v, v.length, { slope: 1, intercept: 0 })).toEqual({ window: 980, level: 499 });
  });

  it('applies the rescale', () => {
    const v = new Int16Array(101).map((_, i) => i);
    const wl = autoWindow(v, v.length, { slope: 2, intercept: -100 }, { lowPercent: 0, highPercent: 100 });
    expect(wl).toEqual({ window: 200, level: 0 });
  });

  it('samples a large volume without aliasing on its rows', () => {
    // 512-wide rows where only column 0 is bright: a regular stride of 512 would see only the bright column.
    const nx = 512;
    const v = new Int16Array(nx * 4096);
    for (let r = 0; r < 4096; r++) v[r * nx] = 1000;
    const s = sortedSample(v, v.length, { slope: 1, intercept: 0 }, 65_536);
    expect(s.length).toBe(65_536);
    const bright = s.filter((x) => x === 1000).length / s.length;
    expect(bright).toBeGreaterThan(0.5 / nx);
    expect(bright).toBeLessThan(2 / nx);
    const ramp = new Float32Array(2_000_000).map((_, i) => i / 2_000_000);
    const wl = autoWindow(ramp, ramp.length, { slope: 1, intercept: 0 }, { maxSamples: 100_000 });
    expect(wl.level).toBeCloseTo(0.5, 2);
    expect(wl.window).toBeCloseTo(0.98, 2);
  });

  it('gives a unit window on a constant image', () => {
    expect(autoWindow(new Uint8Array(50).fill(7), 50, { slope: 1, intercept: 0 })).toEqual({
      window: 1,
      level: 7,
    });
    expect(percentile(new Float64Array(0), 50)).toBe(0);
  });

  it('reads only the first `count` voxels (frame 0 of a 4D volume)', () => {
    const v = new Uint8Array(200);
    v.fill(9, 100);
    expect(autoWindow(v, 100, { slope: 1, intercept: 0 })).toEqual({ window: 1, level: 0 });
  });
});
