import { describe, expect, it } from 'vitest';
import { TEXTURE_MAX_DIM, TEXTURE_MAX_VOXELS, buildTextureVolume, textureFactors } from './volumeTexture';

describe('3D texture volume', () => {
  it('keeps small volumes whole', () => {
    expect(textureFactors([128, 128, 60])).toEqual([1, 1, 1]);
  });

  it('subsamples a 512×512×300 CT within budget', () => {
    const f = textureFactors([512, 512, 300]);
    const d: [number, number, number] = [Math.ceil(512 / f[0]), Math.ceil(512 / f[1]), Math.ceil(300 / f[2])];
    expect(d[0] * d[1] * d[2]).toBeLessThanOrEqual(TEXTURE_MAX_VOXELS);
    expect(Math.max(...d)).toBeLessThanOrEqual(TEXTURE_MAX_DIM);
    // A thin sagittal series keeps its few slices.
    expect(textureFactors([256, 256, 35])).toEqual([1, 1, 1]);
    expect(textureFactors([1024, 1024, 35])[2]).toBe(1);
  });

  it('takes voxel (a*fi, b*fj, c*fk) and applies the rescale', () => {
    const dims: [number, number, number] = [5, 4, 3];
    const v = new Uint16Array(60).map((_, n) => n);
    // uint16 minus 1024 could exceed int16 in general; the known range (stats) says it does not here.
    expect(
      buildTextureVolume(v, 'uint16', dims, { slope: 1, intercept: -1024 }, [2, 3, 1]).data,
    ).toBeInstanceOf(Float32Array);
    const t = buildTextureVolume(v, 'uint16', dims, { slope: 1, intercept: -1024 }, [2, 3, 1], [-1024, -965]);
    expect(t.dims).toEqual([3, 2, 3]);
    expect(t.data).toBeInstanceOf(Int16Array);
    // (a, b, c) = (1, 1, 2) -> source (2, 3, 2) = 2 + 15 + 40 = 57
    expect(t.data[1 + 1 * 3 + 2 * 6]).toBe(57 - 1024);
    const f = buildTextureVolume(v, 'uint16', dims, { slope: 0.5, intercept: 0 }, [1, 1, 1]);
    expect(f.data).toBeInstanceOf(Float32Array);
    expect(f.data[59]).toBe(29.5);
    const i8 = buildTextureVolume(
      new Int8Array([-128, 127]),
      'int8',
      [2, 1, 1],
      { slope: 1, intercept: 0 },
      [1, 1, 1],
    );
    expect(Array.from(i8.data)).toEqual([-128, 127]);
    expect(i8.data).toBeInstanceOf(Int16Array);
  });
});
