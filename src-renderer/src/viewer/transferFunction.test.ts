import { describe, expect, it } from 'vitest';
import { OPACITY_MAX, transferPoints } from './transferFunction';

describe('3D transfer functions', () => {
  it('follow the window: transparent below, most opaque at the top', () => {
    const t = transferPoints({ window: 2000, level: 500 }, 'vr');
    expect(t.opacity[0]).toEqual([-500, 0]);
    expect(t.opacity[t.opacity.length - 1]).toEqual([1500, OPACITY_MAX]);
    expect(t.colour[0]![0]).toBe(-500);
    expect(t.colour[t.colour.length - 1]![0]).toBe(1500);
  });

  it('MIP is a grey ramp over the window', () => {
    const t = transferPoints({ window: 80, level: 40 }, 'mip');
    expect(t.colour).toEqual([
      [0, 0, 0, 0],
      [80, 1, 1, 1],
    ]);
  });
});
