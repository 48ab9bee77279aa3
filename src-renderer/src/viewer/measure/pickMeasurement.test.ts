// Picking a measurement by a click: within a few screen pixels of a ruler's line or an ellipse's outline
// (not its inside), the nearest one, never the one being drawn; measured in screen pixels after zoom.
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '@core/geometry/affine';
import type { MeasureMark } from './measureTool';
import { distanceToSegment, pickMeasurement, PICK_TOLERANCE_PX } from './pickMeasurement';

/** An axial view at `zoom` CSS px per voxel: i to the right, j down, from (100, 50). */
const screen =
  (zoom: number) =>
  (ijk: Vec3): { x: number; y: number } => ({ x: 100 + ijk[0] * zoom, y: 50 + ijk[1] * zoom });

function mark(id: number | null, kind: MeasureMark['kind'], a: Vec3, b: Vec3): MeasureMark {
  return { id, kind, points: [a, b], axis: 2, text: '', selected: false, draft: id === null };
}

const ruler = mark(1, 'ruler', [10, 10, 4], [30, 10, 4]);
// Centre (20, 30), radii 10 (i) and 5 (j).
const ellipse = mark(2, 'ellipse', [10, 25, 4], [30, 35, 4]);

describe('pickMeasurement', () => {
  it('measures the distance to a segment, its ends included', () => {
    expect(distanceToSegment({ x: 5, y: 3 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(3);
    expect(distanceToSegment({ x: 13, y: 4 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(5);
    expect(distanceToSegment({ x: 3, y: 4 }, { x: 0, y: 0 }, { x: 0, y: 0 })).toBe(5);
  });

  it('picks a ruler within the tolerance of its line, in screen pixels at any zoom', () => {
    const at = screen(2);
    const mid = at([20, 10, 4]);
    expect(pickMeasurement([ruler, ellipse], at, mid.x, mid.y)).toBe(1);
    expect(pickMeasurement([ruler, ellipse], at, mid.x, mid.y + PICK_TOLERANCE_PX)).toBe(1);
    expect(pickMeasurement([ruler, ellipse], at, mid.x, mid.y + PICK_TOLERANCE_PX + 1)).toBeNull();
    // Beyond an end along the line: the end's distance counts.
    const end = at([30, 10, 4]);
    expect(pickMeasurement([ruler], at, end.x + 4, end.y)).toBe(1);
    expect(pickMeasurement([ruler], at, end.x + 8, end.y)).toBeNull();
    // Zoomed in 8×, 1 voxel off the line is 8 px: too far; zoomed out to 1 px a voxel, 1 voxel is near.
    const z8 = screen(8);
    const off = z8([20, 11, 4]);
    expect(pickMeasurement([ruler], z8, off.x, off.y)).toBeNull();
    const z1 = screen(1);
    const near = z1([20, 11, 4]);
    expect(pickMeasurement([ruler], z1, near.x, near.y)).toBe(1);
  });

  it('picks an ellipse on its outline, not inside it; the nearest of two; never the draft', () => {
    const at = screen(2);
    const right = at([30, 30, 4]);
    expect(pickMeasurement([ruler, ellipse], at, right.x - 2, right.y)).toBe(2);
    const bottom = at([20, 35, 4]);
    expect(pickMeasurement([ellipse], at, bottom.x, bottom.y + 3)).toBe(2);
    const centre = at([20, 30, 4]);
    expect(pickMeasurement([ellipse], at, centre.x, centre.y)).toBeNull();
    // Two rulers 2 px apart on screen: the nearer wins; the same distance: the later drawn (on top).
    const other = mark(3, 'ruler', [10, 11, 4], [30, 11, 4]);
    const p = at([20, 10, 4]);
    expect(pickMeasurement([ruler, other], at, p.x, p.y + 0.5)).toBe(1);
    expect(pickMeasurement([ruler, other], at, p.x, p.y + 1.5)).toBe(3);
    expect(pickMeasurement([ruler, other], at, p.x, p.y + 1)).toBe(3);
    const draft = mark(null, 'ruler', [10, 10, 4], [30, 10, 4]);
    expect(pickMeasurement([draft], at, p.x, p.y)).toBeNull();
  });
});
