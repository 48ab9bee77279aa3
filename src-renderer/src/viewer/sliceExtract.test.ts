import { describe, expect, it } from 'vitest';
import type { Mat4, Vec3 } from '@core/geometry/affine';
import { composeAffine, flipRasLps, identity4 } from '@core/geometry/affine';
import { SLICE_VIEWS, viewAxes, viewPixelToVoxel } from '@core/geometry/display';
import { sliceStrides } from '@core/geometry/slice-strides';
import { extractSlice, renderSlice } from './sliceExtract';
import { buildGreyMap, rgbaOfStored } from './windowLevel';

const dims: Vec3 = [5, 4, 3];
/** value = i + 10 j + 100 k, so every voxel says where it is. */
function codedVolume(): Int16Array {
  const v = new Int16Array(dims[0] * dims[1] * dims[2]);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) v[i + j * 5 + k * 20] = i + 10 * j + 100 * k;
  return v;
}

const affines: [string, Mat4][] = [
  ['identity LPS', identity4()],
  ['RAS', flipRasLps(identity4())],
  ['decubitus', flipRasLps([0, 0, 4.8, -81.6, -1.016, 0, 0, 130, 0, 1.016, 0, -128.984, 0, 0, 0, 1])],
  [
    'permuted, flipped',
    composeAffine(
      [
        [0, 0, -1],
        [-1, 0, 0],
        [0, 1, 0],
      ],
      [1, 1, 1],
      [0, 0, 0],
    ),
  ],
];

describe('extractSlice', () => {
  const vol = codedVolume();
  for (const [name, a] of affines) {
    it(`reads every pixel of every slice of every view from the right voxel (${name})`, () => {
      for (const view of SLICE_VIEWS) {
        const axes = viewAxes(a, view);
        const depth = dims[axes.normal.axis];
        for (let slice = 0; slice < depth; slice++) {
          const s = sliceStrides(dims, axes, slice);
          const out = extractSlice(vol, dims, axes, slice, new Int16Array(s.width * s.height));
          for (let v = 0; v < s.height; v++)
            for (let u = 0; u < s.width; u++) {
              const [i, j, k] = viewPixelToVoxel(dims, axes, { u, v, slice });
              expect(out[u + v * s.width]).toBe(i + 10 * j + 100 * k);
            }
        }
      }
    });
  }

  it('reuses the caller buffer', () => {
    const axes = viewAxes(identity4(), 'sagittal');
    const buf = new Int16Array(64);
    expect(extractSlice(codedVolume(), dims, axes, 2, buf)).toBe(buf);
    // Sagittal of identity: u = j, v = flipped k, slice = i.
    expect(Array.from(buf.subarray(0, 4))).toEqual([202, 212, 222, 232]);
  });
});

describe('renderSlice', () => {
  const vol = codedVolume();
  const wl = { window: 200, level: 100 };
  for (const type of ['int16', 'float32'] as const) {
    it(`paints each pixel with the grey of its voxel (${type} path)`, () => {
      const data = type === 'int16' ? vol : Float32Array.from(vol);
      const map = buildGreyMap(type, { slope: 2, intercept: -50 }, wl);
      expect(map.kind).toBe(type === 'int16' ? 'table' : 'linear');
      for (const view of SLICE_VIEWS) {
        const axes = viewAxes(flipRasLps(identity4()), view);
        const s = sliceStrides(dims, axes, 1);
        const out = new Uint32Array(s.width * s.height);
        const raw = extractSlice(vol, dims, axes, 1, new Int16Array(out.length));
        renderSlice(data, dims, axes, 1, map, out);
        for (let p = 0; p < out.length; p++) expect(out[p]).toBe(rgbaOfStored(map, raw[p]!));
      }
    });
  }

  it('agrees between the table and the linear path', () => {
    const r = { slope: 1, intercept: -1024 };
    const t = buildGreyMap('int16', r, { window: 350, level: 50 });
    const l = buildGreyMap('float32', r, { window: 350, level: 50 });
    for (let s = -2000; s < 4000; s += 7) expect(rgbaOfStored(t, s)).toBe(rgbaOfStored(l, s));
  });
});
