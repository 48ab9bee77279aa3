// numpy.percentile's default ('linear') on values whose answers numpy gave.
import { describe, expect, it } from 'vitest';
import { percentileLinear } from './percentile';

describe('percentileLinear', () => {
  it('matches numpy.percentile', () => {
    // numpy 1.24: np.percentile([1,2,3,4], 95) = 3.85, ([0,0,2,4,6], 95) = 5.6, ([3.5], 95) = 3.5
    expect(percentileLinear(Float64Array.from([4, 1, 3, 2]), 95)).toBeCloseTo(3.85, 14);
    expect(percentileLinear(Float64Array.from([0, 6, 2, 0, 4]), 95)).toBeCloseTo(5.6, 14);
    expect(percentileLinear(Float64Array.from([3.5]), 95)).toBe(3.5);
    expect(percentileLinear(Float64Array.from([0.1, 0.7, 0.2, 5, 1.1, 0.3]), 50)).toBeCloseTo(0.5, 14);
  });

  it('gives the extremes at 0 and 100, and NaN for no values', () => {
    const v = Float64Array.from([5, -1, 3]);
    expect(percentileLinear(v, 0)).toBe(-1);
    expect(percentileLinear(v, 100)).toBe(5);
    expect(percentileLinear(new Float64Array(0), 95)).toBeNaN();
  });
});
