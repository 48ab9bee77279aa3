import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../geometry/affine';
import { identity4 } from '../geometry/affine';
import { viewAxes } from '../geometry/display';
import { parseMask } from './ascii-mask';
import { labelTable, packRgba } from './mask-layer';
import { renderLabelSlice } from './overlay-render';

/** Pixels as text: '.' transparent, 'r' label 1's colour, 'R' the same opaque (outline), 'g' label 2. */
function show(out: Uint32Array, w: number, h: number, lut: Uint32Array): string[] {
  const names = new Map<number, string>([
    [0, '.'],
    [lut[1]!, 'r'],
    [(lut[1]! | 0xff000000) >>> 0, 'R'],
    [lut[2]!, 'g'],
  ]);
  const rows: string[] = [];
  for (let v = 0; v < h; v++) {
    let row = '';
    for (let u = 0; u < w; u++) row += names.get(out[u + v * w]!) ?? '?';
    rows.push(row);
  }
  return rows;
}

describe('label overlay of a slice', () => {
  const lut = labelTable([
    { value: 1, color: '#ff0000', visible: true, opacity: 0.5 },
    { value: 2, color: '#00ff00', visible: true, opacity: 1 },
  ]);

  it('packs colours as ImageData bytes read little-endian, with the label opacity as alpha', () => {
    expect(lut[0]).toBe(0);
    expect(lut[1]).toBe(packRgba(255, 0, 0, 128) >>> 0);
    expect(lut[2]).toBe(packRgba(0, 255, 0, 255) >>> 0);
    const hidden = labelTable([{ value: 1, color: '#ff0000', visible: false, opacity: 1 }]);
    expect(hidden[1]).toBe(0);
    // Another annotator's layer in review: every label in one tint.
    const tinted = labelTable([{ value: 1, color: '#ff0000', visible: true, opacity: 1 }], 1, '#0000ff');
    expect(tinted[1]).toBe(packRgba(0, 0, 255, 255) >>> 0);
  });

  it('fills each label in its colour on the axial slice (screen right = +i, down = +j)', () => {
    const { mask, dims } = parseMask([
      ['.....', '.111.', '.1122', '.....'],
      ['22222', '22222', '22222', '22222'],
    ]);
    const axes = viewAxes(identity4(), 'axial');
    const out = new Uint32Array(20);
    const n = renderLabelSlice(mask, dims, axes, 0, lut, false, out);
    expect(n).toBe(7);
    expect(show(out, 5, 4, lut)).toEqual(['.....', '.rrr.', '.rrgg', '.....']);
  });

  it('outlines a label: its pixels next to another label or the border, opaque', () => {
    const { mask, dims } = parseMask([['.....', '.111.', '.111.', '.111.', '.....']]);
    const axes = viewAxes(identity4(), 'axial');
    const out = new Uint32Array(25);
    renderLabelSlice(mask, dims, axes, 0, lut, true, out);
    expect(show(out, 5, 5, lut)).toEqual(['.....', '.RRR.', '.R.R.', '.RRR.', '.....']);
  });

  it('follows the view’s axes: coronal shows i across and k upward (inferior down)', () => {
    // Label at (i, j, k) = (0, 1, 2): on coronal slice j = 1, column i = 0, row nz−1−k = 0 (top).
    const dims: Vec3 = [3, 2, 3];
    const mask = new Uint8Array(18);
    mask[0 + 1 * 3 + 2 * 6] = 1;
    const axes = viewAxes(identity4(), 'coronal');
    const out = new Uint32Array(9);
    renderLabelSlice(mask, dims, axes, 1, lut, false, out);
    expect(show(out, 3, 3, lut)).toEqual(['r..', '...', '...']);
  });
});
