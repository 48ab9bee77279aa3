import { describe, expect, it } from 'vitest';
import type { Mat4, Vec3 } from './affine';
import { composeAffine, flipRasLps, identity4 } from './affine';
import type { SliceViewName, ViewAxes } from './display';
import {
  SLICE_VIEWS,
  edgeLabels,
  orientationLetters,
  viewAxes,
  viewLayout,
  viewPixelToVoxel,
  voxelToViewPixel,
} from './display';

function labelsOf(a: Mat4, view: SliceViewName): string {
  const l = edgeLabels(a, viewAxes(a, view));
  // left|right top|bottom, compact for readable expectations.
  return `${l.left}|${l.right} ${l.top}|${l.bottom}`;
}

function axesOf(a: Mat4, view: SliceViewName): string {
  const ax = viewAxes(a, view);
  const s = (x: { axis: number; sign: number }): string => `${x.sign > 0 ? '+' : '-'}${'ijk'[x.axis]}`;
  return `${s(ax.right)} ${s(ax.down)} ${s(ax.normal)}`;
}

/** Row-major affine from three rows of four (the JSON shape of dcm2niix / nibabel output). */
function fromRows(rows: number[][]): Mat4 {
  return [...rows[0]!, ...rows[1]!, ...rows[2]!, 0, 0, 0, 1];
}

function rotZ(deg: number): [Vec3, Vec3, Vec3] {
  const c = Math.cos((deg * Math.PI) / 180);
  const s = Math.sin((deg * Math.PI) / 180);
  return [
    [c, s, 0],
    [-s, c, 0],
    [0, 0, 1],
  ];
}

describe('identity LPS affine (i -> L, j -> P, k -> S)', () => {
  const a = composeAffine(
    [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
    [0.7, 0.8, 2.5],
    [0, 0, 0],
  );

  it('maps voxel axes to screen axes per view', () => {
    expect(axesOf(a, 'axial')).toBe('+i +j +k');
    expect(axesOf(a, 'coronal')).toBe('+i -k +j');
    expect(axesOf(a, 'sagittal')).toBe('+j -k -i');
  });

  it('labels the edges radiologically', () => {
    expect(labelsOf(a, 'axial')).toBe('R|L A|P');
    expect(labelsOf(a, 'coronal')).toBe('R|L S|I');
    expect(labelsOf(a, 'sagittal')).toBe('A|P S|I');
  });

  it('takes pixel aspect from the spacing of the on-screen axes', () => {
    const dims: Vec3 = [100, 90, 40];
    const ax = viewLayout(dims, [0.7, 0.8, 2.5], a, 'axial');
    expect([ax.width, ax.height, ax.depth, ax.pixelWidthMm, ax.pixelHeightMm]).toEqual([
      100, 90, 40, 0.7, 0.8,
    ]);
    const co = viewLayout(dims, [0.7, 0.8, 2.5], a, 'coronal');
    expect([co.width, co.height, co.depth, co.pixelWidthMm, co.pixelHeightMm]).toEqual([
      100, 40, 90, 0.7, 2.5,
    ]);
    const sa = viewLayout(dims, [0.7, 0.8, 2.5], a, 'sagittal');
    expect([sa.width, sa.height, sa.depth, sa.pixelWidthMm, sa.pixelHeightMm]).toEqual([
      90, 40, 100, 0.8, 2.5,
    ]);
  });

  it('scrolls up toward Superior, Anterior and Left', () => {
    const dims: Vec3 = [10, 10, 10];
    expect(viewLayout(dims, [1, 1, 1], a, 'axial').upStep).toBe(1);
    expect(viewLayout(dims, [1, 1, 1], a, 'coronal').upStep).toBe(-1);
    expect(viewLayout(dims, [1, 1, 1], a, 'sagittal').upStep).toBe(1);
  });

  it('puts the top-left image pixel at the right-anterior / superior corner', () => {
    const dims: Vec3 = [10, 20, 30];
    // Coronal: top row is the most superior k (29), left column the most right i (0).
    expect(viewPixelToVoxel(dims, viewAxes(a, 'coronal'), { u: 0, v: 0, slice: 5 })).toEqual([0, 5, 29]);
    // Sagittal: left column is the most anterior j (0), top the most superior k; slice is i.
    expect(viewPixelToVoxel(dims, viewAxes(a, 'sagittal'), { u: 0, v: 0, slice: 3 })).toEqual([3, 0, 29]);
  });
});

describe('NIfTI-style affines flipped from RAS to LPS', () => {
  it('LAS (i -> L, j -> A): axial rows are flipped so posterior is down', () => {
    const a = flipRasLps(
      fromRows([
        [-0.7, 0, 0, 170],
        [0, 0.7, 0, -180],
        [0, 0, 2.5, -300],
      ]),
    );
    expect(axesOf(a, 'axial')).toBe('+i -j +k');
    expect(labelsOf(a, 'axial')).toBe('R|L A|P');
    expect(labelsOf(a, 'coronal')).toBe('R|L S|I');
    expect(labelsOf(a, 'sagittal')).toBe('A|P S|I');
    // Voxel j = 0 is the most posterior row: the bottom of the axial image.
    const dims: Vec3 = [512, 512, 100];
    expect(voxelToViewPixel(dims, viewAxes(a, 'axial'), [0, 0, 7])).toEqual({ u: 0, v: 511, slice: 7 });
  });

  it('RAS (i -> R, j -> A): both in-plane axes flipped', () => {
    const a = flipRasLps(identity4());
    expect(axesOf(a, 'axial')).toBe('-i -j +k');
    expect(axesOf(a, 'coronal')).toBe('-i -k -j');
    expect(axesOf(a, 'sagittal')).toBe('-j -k +i');
    expect(labelsOf(a, 'axial')).toBe('R|L A|P');
    expect(labelsOf(a, 'coronal')).toBe('R|L S|I');
    expect(labelsOf(a, 'sagittal')).toBe('A|P S|I');
    const dims: Vec3 = [64, 48, 32];
    expect(voxelToViewPixel(dims, viewAxes(a, 'axial'), [0, 0, 3])).toEqual({ u: 63, v: 47, slice: 3 });
  });
});

describe('dcm_qa_decubitus (sagittal series, same LPS affine for HFS, HFP, HFDL, HFDR)', () => {
  // dcm2niix's RAS affine from the folder's README; rows x and y flipped for LPS.
  const ras = fromRows([
    [0, 0, 4.8, -81.6],
    [-1.016, 0, 0, 130.0],
    [0, 1.016, 0, -128.984],
  ]);
  const a = flipRasLps(ras);
  const dims: Vec3 = [256, 256, 35];
  const spacing: Vec3 = [1.016, 1.016, 4.8];

  it('has i -> P, j -> S, k -> R in LPS', () => {
    expect(a.slice(0, 12)).toEqual([-0, -0, -4.8, 81.6, 1.016, -0, -0, -130, 0, 1.016, 0, -128.984]);
  });

  it('shows the sagittal acquisition plane in the sagittal view, upright, anterior left', () => {
    expect(axesOf(a, 'sagittal')).toBe('+i -j +k');
    expect(labelsOf(a, 'sagittal')).toBe('A|P S|I');
    const s = viewLayout(dims, spacing, a, 'sagittal');
    expect([s.width, s.height, s.depth, s.pixelWidthMm, s.pixelHeightMm]).toEqual([
      256, 256, 35, 1.016, 1.016,
    ]);
    // Anterior-superior corner of the slice is the top-left pixel: i = 0 (most anterior), j = 255 (most superior).
    expect(voxelToViewPixel(dims, s.axes, [0, 255, 10])).toEqual({ u: 0, v: 0, slice: 10 });
  });

  it('reformats axial and coronal with the 4.8 mm slice step along screen x', () => {
    expect(axesOf(a, 'axial')).toBe('-k +i +j');
    expect(labelsOf(a, 'axial')).toBe('R|L A|P');
    const ax = viewLayout(dims, spacing, a, 'axial');
    expect([ax.width, ax.height, ax.depth, ax.pixelWidthMm, ax.pixelHeightMm]).toEqual([
      35, 256, 256, 4.8, 1.016,
    ]);
    expect(axesOf(a, 'coronal')).toBe('-k -j +i');
    expect(labelsOf(a, 'coronal')).toBe('R|L S|I');
    const co = viewLayout(dims, spacing, a, 'coronal');
    expect([co.width, co.height, co.pixelWidthMm, co.pixelHeightMm]).toEqual([35, 256, 4.8, 1.016]);
  });
});

describe('oblique acquisition', () => {
  // Axial slices rotated 30° about z: i -> (cos, sin, 0) = mostly L, a bit P.
  const a = composeAffine(rotZ(30), [0.5, 0.5, 3], [10, -20, 30]);

  it('still picks the closest voxel axes', () => {
    expect(axesOf(a, 'axial')).toBe('+i +j +k');
    expect(axesOf(a, 'sagittal')).toBe('+j -k -i');
  });

  it('shows the true direction of the screen axes in two-letter labels', () => {
    expect(labelsOf(a, 'axial')).toBe('RA|LP AL|PR');
    expect(labelsOf(a, 'coronal')).toBe('RA|LP S|I');
    expect(labelsOf(a, 'sagittal')).toBe('AL|PR S|I');
  });

  it('keeps one letter for a small tilt (5°) and three for a double oblique', () => {
    expect(labelsOf(composeAffine(rotZ(5), [1, 1, 1], [0, 0, 0]), 'axial')).toBe('R|L A|P');
    expect(orientationLetters([0.8, -0.5, 0.33])).toBe('LAS');
    expect(orientationLetters([0, 0, -2])).toBe('I');
  });

  it('breaks a 45° tie deterministically, in i, j, k order', () => {
    const b = composeAffine(rotZ(45), [1, 1, 1], [0, 0, 0]);
    expect(axesOf(b, 'axial')).toBe('+i +j +k');
    expect(labelsOf(b, 'axial')).toBe('RA|LP AL|PR');
  });
});

describe('voxel <-> view pixel', () => {
  const affines: Mat4[] = [
    identity4(),
    flipRasLps(identity4()),
    flipRasLps(
      fromRows([
        [0, 0, 4.8, -81.6],
        [-1.016, 0, 0, 130.0],
        [0, 1.016, 0, -128.984],
      ]),
    ),
    composeAffine(rotZ(-120), [1, 2, 3], [0, 0, 0]),
  ];
  const dims: Vec3 = [7, 5, 3];

  it('are inverse of each other for every view and axis arrangement', () => {
    for (const a of affines) {
      for (const view of SLICE_VIEWS) {
        const axes: ViewAxes = viewAxes(a, view);
        const used = new Set([axes.right.axis, axes.down.axis, axes.normal.axis]);
        expect(used.size).toBe(3);
        for (let k = 0; k < dims[2]; k++)
          for (let j = 0; j < dims[1]; j++)
            for (let i = 0; i < dims[0]; i++) {
              const p = voxelToViewPixel(dims, axes, [i, j, k]);
              expect(p.u).toBeGreaterThanOrEqual(0);
              expect(p.v).toBeGreaterThanOrEqual(0);
              expect(viewPixelToVoxel(dims, axes, p)).toEqual([i, j, k]);
            }
      }
    }
  });
});
