import { describe, expect, it } from 'vitest';
import { parseMask, printMask } from './ascii-mask';
import type { Vec3 } from '../geometry/affine';
import { brushOffsets, dab, strokeCentres } from './brush';
import { ChangeRecorder } from './change-recorder';
import { valueGate } from './threshold';

const PAINT1 = { label: 1, erase: false, protect: false };

function paintOnce(
  slices: string[][],
  centre: Vec3,
  shape: Parameters<typeof brushOffsets>[0],
  rule = PAINT1,
) {
  const { mask, dims } = parseMask(slices);
  const rec = new ChangeRecorder(mask, dims);
  const changed = dab(rec, centre, brushOffsets(shape), rule);
  return { out: printMask(mask, dims), changed, edit: rec.finish() };
}

describe('brush', () => {
  it('a 1 mm disc on 1 mm voxels is the centre and its four in-plane neighbours', () => {
    const r = paintOnce(
      [
        ['.....', '.....', '.....'],
        ['.....', '.....', '.....'],
      ],
      [2, 1, 0],
      { radiusMm: 1, spacing: [1, 1, 1], mode: '2d', normalAxis: 2 },
    );
    expect(r.out).toEqual([
      ['..1..', '.111.', '..1..'],
      ['.....', '.....', '.....'],
    ]);
    expect(r.changed).toBe(5);
    expect(r.edit?.patch.box).toEqual([1, 4, 0, 3, 0, 1]);
  });

  it('a 1.5 mm disc takes the diagonals (√2 mm) too', () => {
    const r = paintOnce([['.....', '.....', '.....']], [2, 1, 0], {
      radiusMm: 1.5,
      spacing: [1, 1, 1],
      mode: '2d',
      normalAxis: 2,
    });
    expect(r.out).toEqual([['.111.', '.111.', '.111.']]);
  });

  it('measures the radius in mm on anisotropic voxels (0.5 mm along i)', () => {
    const r = paintOnce([['.....', '.....', '.....']], [2, 1, 0], {
      radiusMm: 1,
      spacing: [0.5, 1, 1],
      mode: '2d',
      normalAxis: 2,
    });
    // Along i: 2 voxels × 0.5 mm = 1 mm; diagonal (0.5, 1) mm is √1.25 > 1 mm.
    expect(r.out).toEqual([['..1..', '11111', '..1..']]);
  });

  it('a 2D disc stays on its slice, whichever axis is through the plane', () => {
    const r = paintOnce(
      [
        ['...', '...', '...'],
        ['...', '...', '...'],
        ['...', '...', '...'],
      ],
      [1, 1, 1],
      { radiusMm: 1, spacing: [1, 1, 1], mode: '2d', normalAxis: 0 },
    );
    // Plane i = 1: the disc spans j and k.
    expect(r.out).toEqual([
      ['...', '.1.', '...'],
      ['.1.', '.1.', '.1.'],
      ['...', '.1.', '...'],
    ]);
  });

  it('a 1 mm ball on 1 mm voxels is the centre and its six face neighbours', () => {
    const r = paintOnce(
      [
        ['...', '...', '...'],
        ['...', '...', '...'],
        ['...', '...', '...'],
      ],
      [1, 1, 1],
      { radiusMm: 1, spacing: [1, 1, 1], mode: '3d', normalAxis: 2 },
    );
    expect(r.out).toEqual([
      ['...', '.1.', '...'],
      ['.1.', '111', '.1.'],
      ['...', '.1.', '...'],
    ]);
    expect(r.changed).toBe(7);
  });

  it('a ball on thick slices (2 mm) does not reach the next slice within 1.5 mm', () => {
    const r = paintOnce(
      [
        ['...', '...', '...'],
        ['...', '...', '...'],
        ['...', '...', '...'],
      ],
      [1, 1, 1],
      { radiusMm: 1.5, spacing: [1, 1, 2], mode: '3d', normalAxis: 2 },
    );
    expect(r.out).toEqual([
      ['...', '...', '...'],
      ['111', '111', '111'],
      ['...', '...', '...'],
    ]);
  });

  it('the smallest brush paints one voxel', () => {
    expect(
      Array.from(brushOffsets({ radiusMm: 0.1, spacing: [1, 1, 1], mode: '3d', normalAxis: 2 })),
    ).toEqual([0, 0, 0]);
  });

  it('is clipped by the grid', () => {
    const r = paintOnce([['...', '...']], [0, 0, 0], {
      radiusMm: 1,
      spacing: [1, 1, 1],
      mode: '2d',
      normalAxis: 2,
    });
    expect(r.out).toEqual([['11.', '1..']]);
  });

  it('protects other labels, or paints over them', () => {
    const grid = [['.2.', '222', '.2.']];
    const shape = { radiusMm: 1.5, spacing: [1, 1, 1] as Vec3, mode: '2d' as const, normalAxis: 2 as const };
    expect(paintOnce(grid, [1, 1, 0], shape, { label: 1, erase: false, protect: true }).out).toEqual([
      ['121', '222', '121'],
    ]);
    expect(paintOnce(grid, [1, 1, 0], shape, { label: 1, erase: false, protect: false }).out).toEqual([
      ['111', '111', '111'],
    ]);
  });

  it('the eraser removes only the active label when protecting, every label otherwise', () => {
    const grid = [['12.', '212', '.21']];
    const shape = { radiusMm: 1.5, spacing: [1, 1, 1] as Vec3, mode: '2d' as const, normalAxis: 2 as const };
    expect(paintOnce(grid, [1, 1, 0], shape, { label: 1, erase: true, protect: true }).out).toEqual([
      ['.2.', '2.2', '.2.'],
    ]);
    expect(paintOnce(grid, [1, 1, 0], shape, { label: 1, erase: true, protect: false }).out).toEqual([
      ['...', '...', '...'],
    ]);
  });

  it('threshold painting changes only voxels whose physical value is inside [lo, hi]', () => {
    const { mask, dims } = parseMask([['.....']]);
    // Stored 0..40 step 10 with slope 2, intercept −50: physical −50, −30, −10, 10, 30.
    const voxels = Int16Array.from([0, 10, 20, 30, 40]);
    const gate = valueGate(voxels, { slope: 2, intercept: -50 }, { lo: -30, hi: 10 });
    const rec = new ChangeRecorder(mask, dims);
    const offsets = brushOffsets({ radiusMm: 5, spacing: [1, 1, 1], mode: '2d', normalAxis: 2 });
    dab(rec, [2, 0, 0], offsets, PAINT1, gate);
    expect(printMask(mask, dims)).toEqual([['.111.']]);
  });

  it('places a dab on every voxel step of a drag, so fast strokes have no gaps', () => {
    expect(strokeCentres([0, 0, 0], [3, 1, 0])).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [2, 1, 0],
      [3, 1, 0],
    ]);
    expect(strokeCentres([2, 2, 2], [2, 2, 2])).toEqual([[2, 2, 2]]);
  });
});
