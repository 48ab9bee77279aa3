// The measurement tools without a browser: a drag becomes a kept shape on the view's slice (clamped to the
// image), a click or Esc keeps nothing, the marks a view draws are those of its slice with their sizes; the
// keys Shift+M / Shift+E / Delete leave M (mediastinum) and E (eraser) as they were; the ellipse outline.
import { describe, expect, it } from 'vitest';
import type { Mat4, Vec3 } from '@core/geometry/affine';
import { viewLayout } from '@core/geometry/display';
import type { SlicePointer } from '@core/labelling/slice-editor';
import type { MeasurementInfo, MeasurementShape } from '@contract';
import { commandForKey } from '../keyBindings';
import { ellipseOutline } from './drawMeasurements';
import { MeasureTool } from './measureTool';

const DIMS: Vec3 = [10, 8, 5];
// 0.5 × 0.5 × 3 mm voxels.
const AFFINE: Mat4 = [0.5, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1];
const AXIAL = viewLayout(DIMS, [0.5, 0.5, 3], AFFINE, 'axial').axes;

function at(ijk: Vec3, dragPx = 0): SlicePointer {
  return { view: 'axial', axes: AXIAL, slice: ijk[2], x: 0, y: 0, ijk, voxel: ijk, dragPx };
}

describe('MeasureTool', () => {
  it('keeps a dragged ruler on the slice it was drawn on, showing its length while drawn', () => {
    const done: MeasurementShape[] = [];
    const tool = new MeasureTool(DIMS, AFFINE);
    tool.setOnDone((s) => done.push(s));
    expect(tool.capturesPointer).toBe(false);
    tool.setTool('ruler');
    expect(tool.capturesPointer).toBe(true);
    tool.pointer('down', at([1, 1, 2]));
    tool.pointer('move', at([4, 5, 2], 30));
    // 3 × 0.5 and 4 × 0.5 mm: 2.5 mm, while drawing, on slice 2 only.
    expect(tool.marks(2, 2)).toEqual([
      expect.objectContaining({ kind: 'ruler', text: '2.50 mm', draft: true }),
    ]);
    expect(tool.marks(2, 3)).toEqual([]);
    // Beyond the image the end stays on its edge (half a voxel past the last centre).
    tool.pointer('up', at([40, 5, 2], 60));
    expect(done).toEqual([
      {
        kind: 'ruler',
        axis: 2,
        slice: 2,
        points: [
          [1, 1, 2],
          [9.5, 5, 2],
        ],
      },
    ]);
    expect(tool.drawing).toBe(false);
  });

  it('keeps nothing for a click, a cancelled drag or Esc; nothing at all while off', () => {
    const done: MeasurementShape[] = [];
    const tool = new MeasureTool(DIMS, AFFINE);
    tool.setOnDone((s) => done.push(s));
    tool.pointer('down', at([1, 1, 2]));
    expect(tool.drawing).toBe(false);
    tool.setTool('ellipse');
    tool.pointer('down', at([1, 1, 2]));
    tool.pointer('up', at([1, 1, 2], 2));
    tool.pointer('down', at([1, 1, 2]));
    tool.pointer('move', at([5, 5, 2], 40));
    expect(tool.cancel()).toBe(true);
    expect(tool.cancel()).toBe(false);
    tool.pointer('up', at([5, 5, 2], 40));
    expect(done).toEqual([]);
  });

  it('draws the kept measurements of the slice shown, the selected one marked', () => {
    const tool = new MeasureTool(DIMS, AFFINE);
    const item = (id: number, slice: number, kind: 'ruler' | 'ellipse'): MeasurementInfo => ({
      id,
      volumeId: 1,
      caseId: 1,
      annotatorId: 1,
      annotatorName: 'Ann',
      name: `${kind} ${id}`,
      createdAt: 't',
      kind,
      axis: 2,
      slice,
      points: [
        [0, 0, slice],
        [2, 2, slice],
      ],
      lengthMm: kind === 'ruler' ? 1.41 : null,
      areaMm2: kind === 'ellipse' ? 0.785 : null,
    });
    tool.setItems([item(1, 2, 'ruler'), item(2, 2, 'ellipse'), item(3, 4, 'ruler')], 2);
    const marks = tool.marks(2, 2);
    expect(marks.map((m) => [m.text, m.selected])).toEqual([
      ['ruler 1: 1.41 mm', false],
      ['ellipse 2: 0.79 mm²', true],
    ]);
    expect(tool.marks(1, 2)).toEqual([]);
  });
});

describe('measurement keys', () => {
  const key = (k: string, shiftKey = false) =>
    commandForKey({ key: k, shiftKey, ctrlKey: false, altKey: false, metaKey: false });
  it('Shift+M and Shift+E pick the tools; M and E (Caps Lock too) keep their meaning', () => {
    expect(key('M', true)).toEqual({ type: 'measureTool', tool: 'ruler' });
    expect(key('E', true)).toEqual({ type: 'measureTool', tool: 'ellipse' });
    expect(key('Delete')).toEqual({ type: 'measureDelete' });
    expect(key('m')).toEqual({ type: 'preset', name: 'mediastinum' });
    expect(key('M')).toEqual({ type: 'preset', name: 'mediastinum' });
    expect(key('e')).toEqual({ type: 'editTool', tool: 'eraser' });
  });
});

describe('ellipse outline', () => {
  it('runs around the box of the two corners in the slice plane', () => {
    const pts = ellipseOutline({
      axis: 1,
      points: [
        [2, 3, 0],
        [6, 3, 2],
      ],
    });
    expect(pts[0]).toEqual([6, 3, 1]);
    for (const p of pts) {
      expect(p[1]).toBe(3);
      expect(((p[0] - 4) / 2) ** 2 + (p[2] - 1) ** 2).toBeCloseTo(1, 9);
    }
  });
});
