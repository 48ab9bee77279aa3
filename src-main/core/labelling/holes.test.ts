import { describe, expect, it } from 'vitest';
import { parseMask, printMask } from './ascii-mask';
import type { Scope } from './connected';
import { holeVoxels } from './holes';

function filled(slices: string[][], scope: Scope, label = 1): string[][] {
  const { mask, dims } = parseMask(slices);
  for (const idx of holeVoxels(mask, dims, label, scope)) mask[idx] = label;
  return printMask(mask, dims);
}

const RING = ['.....', '.111.', '.1.1.', '.111.', '.....'];
const RING_FULL = ['.....', '.111.', '.111.', '.111.', '.....'];

describe('fill holes', () => {
  it('fills what a ring encloses on a slice (2D)', () => {
    expect(filled([RING], { mode: '2d', axis: 2, slice: 0 })).toEqual([RING_FULL]);
  });

  it('leaves a gap open to the border unfilled', () => {
    const c = ['.111.', '.1...', '.111.'];
    expect(filled([c], { mode: '2d', axis: 2, slice: 0 })).toEqual([c]);
  });

  it('a hole touching the grid border through the label is not a hole', () => {
    const edge = ['111', '1.1', '111'];
    expect(filled([edge], { mode: '2d', axis: 2, slice: 0 })).toEqual([['111', '111', '111']]);
    const open = ['1.1', '1.1', '111'];
    expect(filled([open], { mode: '2d', axis: 2, slice: 0 })).toEqual([open]);
  });

  it('a tube is holed on every slice in 2D but open at its ends in 3D', () => {
    expect(filled([RING, RING, RING], { mode: '2d', axis: 2, slice: 'all' })).toEqual([
      RING_FULL,
      RING_FULL,
      RING_FULL,
    ]);
    expect(filled([RING, RING, RING], { mode: '2d', axis: 2, slice: 1 })).toEqual([RING, RING_FULL, RING]);
    expect(filled([RING, RING, RING], { mode: '3d' })).toEqual([RING, RING, RING]);
  });

  it('fills the cavity of a closed box in 3D', () => {
    const E = '.....';
    const slab = [E, '.111.', '.111.', '.111.', E];
    const empty = [E, E, E, E, E];
    expect(filled([empty, slab, RING, slab, empty], { mode: '3d' })).toEqual([
      empty,
      slab,
      slab,
      slab,
      empty,
    ]);
  });

  it('counts other labels inside as part of the hole', () => {
    const withTwo = ['.....', '.111.', '.121.', '.111.', '.....'];
    expect(filled([withTwo], { mode: '2d', axis: 2, slice: 0 })).toEqual([RING_FULL]);
  });

  it('fills in the plane of another view (across i)', () => {
    // Plane i = 1 of a 3×3×3 grid holds a ring in (j, k).
    const k0 = ['.1.', '.1.', '.1.'];
    const k1 = ['.1.', '...', '.1.'];
    expect(filled([k0, k1, k0], { mode: '2d', axis: 0, slice: 1 })).toEqual([k0, ['.1.', '.1.', '.1.'], k0]);
  });
});
