// Label maps from files of any voxel type: integers 0..255 (after rescale) are labels; anything else is
// refused with the first offending voxel; --label maps a binary mask's non-zero voxels onto one label.
import { describe, expect, it } from 'vitest';
import { labelsOf } from './labels-of';

const identity = { slope: 1, intercept: 0 };

describe('labelsOf', () => {
  it('keeps integer labels of any type, after rescale', () => {
    expect(labelsOf(Float32Array.from([0, 1, 2, 255]), identity)).toEqual({
      ok: true,
      labels: Uint8Array.from([0, 1, 2, 255]),
    });
    expect(labelsOf(Int16Array.from([10, 11]), { slope: 1, intercept: -10 })).toEqual({
      ok: true,
      labels: Uint8Array.from([0, 1]),
    });
  });

  it('refuses fractions, negatives, values over 255 and NaN, naming the voxel', () => {
    expect(labelsOf(Float32Array.from([0, 0.5]), identity)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^voxel 1 holds 0\.5/),
    });
    expect(labelsOf(Int16Array.from([-1]), identity)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/voxel 0 holds -1/),
    });
    expect(labelsOf(Uint16Array.from([0, 0, 256]), identity)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/voxel 2 holds 256/),
    });
    expect(labelsOf(Float64Array.from([NaN]), identity)).toMatchObject({ ok: false });
  });

  it('maps every non-zero voxel onto asLabel, still refusing NaN', () => {
    expect(labelsOf(Float32Array.from([0, 1, 255, 0.25, -3]), identity, 4)).toEqual({
      ok: true,
      labels: Uint8Array.from([0, 4, 4, 4, 4]),
    });
    expect(labelsOf(Float32Array.from([0, NaN]), identity, 4)).toMatchObject({
      ok: false,
      reason: 'voxel 1 is NaN: not a label map',
    });
  });
});
