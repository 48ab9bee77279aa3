import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../geometry/affine';
import { identity4 } from '../geometry/affine';
import type { SliceViewName, ViewAxes } from '../geometry/display';
import { viewAxes } from '../geometry/display';
import type { EditResult } from './patch';
import { applyPatch } from './patch';
import { printMask } from './ascii-mask';
import { MaskEditor } from './mask-editor';
import { labelTable, MaskLayer } from './mask-layer';
import type { SlicePointer } from './slice-editor';

const DIMS: Vec3 = [7, 5, 3];
const AFFINE = identity4(); // 1 mm voxels, LPS = ijk
const AXIAL: ViewAxes = viewAxes(AFFINE, 'axial');

function setup(values?: Int16Array) {
  const mask = new Uint8Array(7 * 5 * 3);
  const layer = new MaskLayer('own', DIMS, mask, labelTable([]));
  const edits: { tool: string; edit: EditResult }[] = [];
  const messages: string[] = [];
  const editor = new MaskEditor({
    volume: {
      voxels: values ?? new Int16Array(mask.length),
      dims: DIMS,
      affineLPS: AFFINE,
      rescale: { slope: 1, intercept: 0 },
    },
    layer,
    onEdit: (tool, edit) => edits.push({ tool, edit }),
    onMessage: (m) => messages.push(m),
  });
  return { mask, layer, editor, edits, messages };
}

function at(ijk: Vec3, dragPx = 0, view: SliceViewName = 'axial'): SlicePointer {
  return {
    view,
    axes: AXIAL,
    slice: ijk[2],
    x: 0,
    y: 0,
    ijk,
    voxel: ijk.map(Math.round) as Vec3,
    dragPx,
  };
}

describe('MaskEditor', () => {
  it('paints a stroke as one edit, saved and undoable', () => {
    const { mask, editor, edits } = setup();
    editor.update({ tool: 'brush', brushMm: 0.5 });
    editor.pointer('down', at([1, 2, 1]));
    editor.pointer('move', at([4, 2, 1], 10));
    editor.pointer('up', at([4, 2, 1], 10));
    expect(printMask(mask, DIMS)[1]).toEqual(['.......', '.......', '.1111..', '.......', '.......']);
    expect(edits.map((e) => e.tool)).toEqual(['brush']);
    expect(edits[0]!.edit.patch.box).toEqual([1, 5, 2, 3, 1, 2]);

    expect(editor.undo()).toBe(true);
    expect(mask.every((v) => v === 0)).toBe(true);
    expect(editor.redo()).toBe(true);
    expect(printMask(mask, DIMS)[1]![2]).toBe('.1111..');
    // Undo and redo are saved as edits of their own, carrying the labels they put back.
    expect(edits.map((e) => e.tool)).toEqual(['brush', 'undo', 'redo']);
    expect(Array.from(edits[1]!.edit.patch.data)).toEqual([0, 0, 0, 0]);
  });

  it('replays to the same mask from the saved patches', () => {
    const { mask, editor, edits } = setup();
    editor.update({ tool: 'brush', brushMm: 1 });
    editor.pointer('down', at([3, 2, 0]));
    editor.pointer('up', at([3, 2, 0]));
    editor.update({ tool: 'eraser', brushMm: 0.5 });
    editor.pointer('down', at([3, 2, 0]));
    editor.pointer('up', at([3, 2, 0]));
    editor.undo();
    const replay = new Uint8Array(mask.length);
    for (const e of edits) applyPatch(replay, DIMS, e.edit.patch);
    expect(replay).toEqual(mask);
  });

  it('fills a lasso drag and a clicked polygon on the view’s slice', () => {
    const { mask, editor, edits } = setup();
    editor.update({ tool: 'polygon' });
    // Lasso: press, drag around (−0.5..4.5 in i, 0.5..3.5 in j... a rectangle of voxel centres).
    editor.pointer('down', at([0.5, 0.5, 2]));
    editor.pointer('move', at([3.5, 0.5, 2], 20));
    editor.pointer('move', at([3.5, 2.5, 2], 30));
    editor.pointer('move', at([0.5, 2.5, 2], 40));
    editor.pointer('up', at([0.5, 2.5, 2], 40));
    expect(printMask(mask, DIMS)[2]).toEqual(['.......', '.111...', '.111...', '.......', '.......']);
    expect(edits.at(-1)!.tool).toBe('lasso');
    // Polygon: three clicks, then a double-click closes it.
    for (const p of [
      [4.5, 0.5, 0],
      [6.5, 0.5, 0],
      [6.5, 3.5, 0],
    ] as Vec3[]) {
      editor.pointer('down', at(p));
      editor.pointer('up', at(p));
    }
    editor.pointer('double', at([6.5, 3.5, 0]));
    // Row j = 3 crosses the hypotenuse at i = 6.17: voxel 6's centre is outside.
    expect(printMask(mask, DIMS)[0]).toEqual(['.......', '.....11', '......1', '.......', '.......']);
    expect(edits.at(-1)!.tool).toBe('polygon');
  });

  it('grows a region from a click, protecting other labels', () => {
    const values = new Int16Array(7 * 5 * 3).fill(100);
    const { mask, editor, edits } = setup(values);
    mask[3 + 2 * 7 + 1 * 35] = 2; // a protected voxel in the middle of slice 1
    editor.update({ tool: 'grow', dimension: '2d', tolerance: 0 });
    editor.pointer('down', at([0, 0, 1]));
    expect(printMask(mask, DIMS)[1]).toEqual(['1111111', '1111111', '1112111', '1111111', '1111111']);
    expect(printMask(mask, DIMS)[0]).toEqual(['.......', '.......', '.......', '.......', '.......']);
    expect(edits[0]!.tool).toBe('region-grow');
  });

  it('runs one-shot operations on the active view’s slice or the volume', async () => {
    const { mask, editor, edits, messages } = setup();
    // Label 1 on slices 0 and 2 (same 3×3 square): fill between them, along k (axial).
    for (const k of [0, 2])
      for (let j = 1; j <= 3; j++) for (let i = 2; i <= 4; i++) mask[i + j * 7 + k * 35] = 1;
    void editor.operation('interpolate', { view: 'axial', axes: AXIAL, slice: 1 });
    expect(printMask(mask, DIMS)[1]).toEqual(['.......', '..111..', '..111..', '..111..', '.......']);
    mask[0] = 1; // an island
    editor.update({ dimension: '3d' });
    void editor.operation('largest', { view: 'axial', axes: AXIAL, slice: 0 });
    expect(mask[0]).toBe(0);
    expect(edits.map((e) => e.tool)).toEqual(['interpolate', 'keep-largest']);
    expect(await editor.operation('holes', { view: 'axial', axes: AXIAL, slice: 0 })).toBeNull();
    expect(messages.at(-1)).toMatch(/No hole/);
  });

  it('refuses to edit while read-only, and says why', () => {
    const { mask, editor, edits, messages } = setup();
    editor.setReadOnly('Sign in to edit.');
    editor.update({ tool: 'brush' });
    editor.pointer('down', at([1, 1, 1]));
    editor.pointer('up', at([1, 1, 1]));
    expect(mask.every((v) => v === 0)).toBe(true);
    expect(edits).toEqual([]);
    expect(messages).toEqual(['Sign in to edit.']);
  });

  it('a revert is an undo step; a reload clears the history', () => {
    const { mask, editor } = setup();
    const other = new Uint8Array(mask.length);
    other[5] = 1;
    editor.replaceMask(other, true);
    expect(mask[5]).toBe(1);
    expect(editor.history.undoDepth).toBe(1);
    editor.undo();
    expect(mask[5]).toBe(0);
    editor.replaceMask(other, false);
    expect(editor.history.undoDepth + editor.history.redoDepth).toBe(0);
  });

  it('cancels a stroke in progress, putting the labels back', () => {
    const { mask, editor, edits } = setup();
    editor.update({ tool: 'brush', brushMm: 2 });
    editor.pointer('down', at([3, 2, 1]));
    expect(mask.some((v) => v === 1)).toBe(true);
    editor.pointer('cancel', at([3, 2, 1]));
    expect(mask.every((v) => v === 0)).toBe(true);
    expect(edits).toEqual([]);
  });
});
