import { describe, expect, it } from 'vitest';
import { computeStats } from './stats';

describe('computeStats', () => {
  it('rescales after accumulating, in float64', () => {
    const s = computeStats(new Int16Array([0, 1024, 2048]), { slope: 1, intercept: -1024 });
    expect(s).toEqual({ min: -1024, max: 1024, mean: 0, sum: 0, count: 3, nanCount: 0 });
  });
  it('swaps min and max for a negative slope', () => {
    const s = computeStats(new Uint8Array([1, 2, 3]), { slope: -2, intercept: 0 });
    expect([s.min, s.max, s.sum]).toEqual([-6, -2, -12]);
  });
  it('leaves NaN out of float statistics and counts it', () => {
    const s = computeStats(new Float32Array([1, NaN, 3]), { slope: 1, intercept: 0 });
    expect(s).toMatchObject({ min: 1, max: 3, mean: 2, count: 2, nanCount: 1 });
  });
  it('reports NaN statistics for an all-NaN image', () => {
    const s = computeStats(new Float64Array([NaN]), { slope: 1, intercept: 0 });
    expect(s.count).toBe(0);
    expect(Number.isNaN(s.mean)).toBe(true);
  });
  it('does not lose precision summing a large integer volume', () => {
    const data = new Int16Array(10_000_000).fill(32767);
    expect(computeStats(data, { slope: 1, intercept: 0 }).sum).toBe(327_670_000_000);
  });
});
