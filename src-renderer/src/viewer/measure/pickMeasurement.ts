// Which kept measurement a click on a slice view picks: the one whose drawn stroke (a ruler's line, an
// ellipse's outline) passes nearest the click, if within a few CSS pixels. Distances are measured on screen,
// in CSS px, after the view's zoom and pan, so the tolerance is the same at every zoom: what the user sees is
// what they hit. Pure: the caller hands in the marks of the slice shown and the voxel -> screen mapping.
import type { Vec3 } from '@core/geometry/affine';
import { ellipseOutline } from './drawMeasurements';
import type { MeasureMark } from './measureTool';

/** How far from a stroke (CSS px) a click still picks it. */
export const PICK_TOLERANCE_PX = 5;

interface Point {
  x: number;
  y: number;
}

/** Distance from p to the segment a–b (all CSS px). */
export function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** Distance from p to the mark's stroke as drawn (drawMeasurements.ts: the same outline polygon). */
function distanceToMark(m: MeasureMark, toScreen: (ijk: Vec3) => Point, p: Point): number {
  const path = m.kind === 'ruler' ? m.points : ellipseOutline(m);
  const pts = path.map(toScreen);
  let best = Infinity;
  for (let n = 1; n < pts.length; n++) best = Math.min(best, distanceToSegment(p, pts[n - 1]!, pts[n]!));
  return best;
}

/**
 * The id of the kept measurement nearest the click (x, y in CSS px) among `marks`, or null when none is
 * within `tolerancePx`. Among equally near ones the last drawn (on top) wins; one being drawn is never picked.
 */
export function pickMeasurement(
  marks: readonly MeasureMark[],
  toScreen: (ijk: Vec3) => Point,
  x: number,
  y: number,
  tolerancePx = PICK_TOLERANCE_PX,
): number | null {
  let best: { id: number; d: number } | null = null;
  for (const m of marks) {
    if (m.id === null) continue;
    const d = distanceToMark(m, toScreen, { x, y });
    if (d <= tolerancePx && (!best || d <= best.d)) best = { id: m.id, d };
  }
  return best?.id ?? null;
}
