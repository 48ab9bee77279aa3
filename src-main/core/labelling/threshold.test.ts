import { describe, expect, it } from 'vitest';
import { valueGate } from './threshold';

describe('valueGate', () => {
  it('admits physical values inside [lo, hi], both ends included, in either order', () => {
    const voxels = Float32Array.from([-1000, -500, 0, 40, 41]);
    const gate = valueGate(voxels, { slope: 1, intercept: 0 }, { lo: 40, hi: -500 });
    expect([0, 1, 2, 3, 4].map(gate)).toEqual([false, true, true, true, false]);
  });

  it('applies the rescale (CT stored values with intercept −1024)', () => {
    const voxels = Uint16Array.from([0, 1024, 1064]);
    const gate = valueGate(voxels, { slope: 1, intercept: -1024 }, { lo: -100, hi: 100 });
    expect([0, 1, 2].map(gate)).toEqual([false, true, true]);
  });
});
