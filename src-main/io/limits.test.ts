// The voxel limit's settings: the default, --max-voxels (ReadOptions.maxVoxels) over CONCORD_MAX_VOXELS over
// the default, how a limit is written, and the one-line message that names sizes, count, limit and the fix.
import { afterEach, describe, expect, it, vi } from 'vitest';
import os from 'node:os';
import { InputError, ResourceError } from '../core/errors';
import {
  DEFAULT_MAX_VOXELS,
  MAX_VOXELS_ENV,
  assertAllocatable,
  assertVoxelLimit,
  emptyImageProblem,
  maxVoxelsOf,
  parseVoxelCount,
  voxelLimitFrom,
  voxelLimitProblem,
} from './limits';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('the voxel limit', () => {
  it('defaults to 2^28 voxels (a 512x512x1024 CT)', () => {
    vi.stubEnv(MAX_VOXELS_ENV, '');
    expect(DEFAULT_MAX_VOXELS).toBe(512 * 512 * 1024);
    expect(maxVoxelsOf()).toBe(DEFAULT_MAX_VOXELS);
    expect(maxVoxelsOf({})).toBe(DEFAULT_MAX_VOXELS);
  });

  it('CONCORD_MAX_VOXELS overrides the default; the caller\u2019s option overrides both', () => {
    vi.stubEnv(MAX_VOXELS_ENV, '1024x1024x1024');
    expect(maxVoxelsOf()).toBe(2 ** 30);
    expect(maxVoxelsOf({ maxVoxels: 1000 })).toBe(1000);
  });

  it('a limit is a positive count or a product of sizes; anything else is refused with the setting named', () => {
    expect(parseVoxelCount('268435456')).toBe(2 ** 28);
    expect(parseVoxelCount(' 512X512x2048 ')).toBe(2 ** 29);
    for (const bad of ['0', '-5', '1e9', '12.5', 'abc', '512x', 'x512', '99999999999999999999'])
      expect(parseVoxelCount(bad), bad).toBeUndefined();
    expect(() => voxelLimitFrom('lots', '--max-voxels')).toThrow(
      /--max-voxels is 'lots': expected a positive number of voxels/,
    );
    vi.stubEnv(MAX_VOXELS_ENV, 'lots');
    expect(() => maxVoxelsOf()).toThrow(InputError);
    expect(() => maxVoxelsOf()).toThrow(/CONCORD_MAX_VOXELS is 'lots'/);
  });

  it('the message names the file, sizes, count and limit, and how to raise it, on one line', () => {
    expect(voxelLimitProblem([512, 512, 1024], 2 ** 28)).toBeUndefined();
    expect(voxelLimitProblem([20000, 20000, 1], 2 ** 28)).toBe(
      '20000x20000x1 = 400000000 voxels, more than the limit of 268435456 voxels; ' +
        'to read it, raise the limit (--max-voxels 400000000 or CONCORD_MAX_VOXELS=400000000)',
    );
    expect(() => assertVoxelLimit('/data/big.nii', [64, 64, 64, 2000], 2 ** 28)).toThrow(
      /^\/data\/big\.nii: 64x64x64x2000 = 524288000 voxels, more than the limit of 268435456 voxels; [^\n]+$/,
    );
    // Absurd sizes are still a one-line message (no precision pretended).
    expect(voxelLimitProblem([2 ** 31, 2 ** 31, 2 ** 31], 2 ** 28)).toMatch(/= 9\.90e\+27 voxels/);
  });

  it('sizes below 1 (or not whole) describe no image', () => {
    expect(emptyImageProblem([64, 64, 1])).toBeUndefined();
    expect(emptyImageProblem([64, 0, 1])).toBe(
      '64x0x1 holds no voxel: an image needs at least one voxel along each axis',
    );
    expect(emptyImageProblem([64, -2, 1])).toMatch(/holds no voxel/);
    expect(emptyImageProblem([64, 1.5, 1])).toMatch(/holds no voxel/);
  });
});

describe('assertAllocatable', () => {
  it('more than one buffer is bad input; more than the free memory is a resource failure, with what to try', () => {
    expect(() => assertAllocatable(2 ** 33, '/a.nii')).toThrow(InputError);
    vi.spyOn(os, 'freemem').mockReturnValue(2 ** 30);
    expect(() => assertAllocatable(2 ** 31, '/a.nii')).toThrow(ResourceError);
    expect(() => assertAllocatable(2 ** 31, '/a.nii')).toThrow(
      '/a.nii: the voxel data would need 2.0 GiB, more than this machine has free (1.0 GiB): ' +
        'close other programs or use a machine with more memory',
    );
    expect(() => assertAllocatable(2 ** 20, '/a.nii')).not.toThrow();
  });
});
