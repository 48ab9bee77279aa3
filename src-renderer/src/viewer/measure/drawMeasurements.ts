// Draws the measurements on one slice view's canvas: a ruler as a line with end ticks and its length, an
// ellipse as its outline (a 72-segment polygon: the view's screen axes are voxel axes, so the ellipse in
// voxel indices is an axis-aligned ellipse on screen) with its name and area. Called by drawSliceFrame.ts
// after the overlays and the crosshair, in CSS pixels. Points are continuous voxel indices.
import type { Vec3 } from '@core/geometry/affine';
import type { ViewAxes } from '@core/geometry/display';
import { ijkToImagePoint } from '@core/labelling/slice-editor';
import { inPlaneAxes } from '@core/measure/geometry';
import type { ScreenTransform } from '../viewTransform';
import type { SliceCanvasContext } from '../drawSliceFrame';
import type { MeasureMark } from './measureTool';

const COLOUR = '#ffd54a';
const SELECTED = '#4fc3f7';
const SEGMENTS = 72;

/** Where the voxel-index point lies on the canvas (CSS px). */
export function toScreen(
  dims: Vec3,
  axes: ViewAxes,
  t: ScreenTransform,
  ijk: Vec3,
): { x: number; y: number } {
  const p = ijkToImagePoint(dims, axes, ijk);
  return { x: t.originX + p.x * t.cellWidth, y: t.originY + p.y * t.cellHeight };
}

/** The ellipse's outline in voxel indices, closed. */
export function ellipseOutline(m: Pick<MeasureMark, 'axis' | 'points'>): Vec3[] {
  const [p, q] = inPlaneAxes(m.axis);
  const [a, b] = m.points;
  const cp = (a[p] + b[p]) / 2;
  const cq = (a[q] + b[q]) / 2;
  const rp = Math.abs(b[p] - a[p]) / 2;
  const rq = Math.abs(b[q] - a[q]) / 2;
  const out: Vec3[] = [];
  for (let n = 0; n <= SEGMENTS; n++) {
    const th = (2 * Math.PI * n) / SEGMENTS;
    const pt: Vec3 = [a[0], a[1], a[2]];
    pt[p] = cp + rp * Math.cos(th);
    pt[q] = cq + rq * Math.sin(th);
    out.push(pt);
  }
  return out;
}

export function drawMeasurements(
  ctx: SliceCanvasContext,
  dims: Vec3,
  axes: ViewAxes,
  t: ScreenTransform,
  marks: readonly MeasureMark[],
): void {
  if (marks.length === 0) return;
  ctx.save();
  ctx.font = '12px system-ui, sans-serif';
  for (const m of marks) {
    const colour = m.selected ? SELECTED : COLOUR;
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = m.selected ? 2.5 : 1.5;
    ctx.globalAlpha = m.draft ? 0.8 : 1;
    const a = toScreen(dims, axes, t, m.points[0]);
    const b = toScreen(dims, axes, t, m.points[1]);
    ctx.beginPath();
    if (m.kind === 'ruler') {
      ctx.moveTo(a.x, a.y);
      ctx.lineTo(b.x, b.y);
      // Ticks across each end, 8 px long.
      const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      const nx = (-(b.y - a.y) / len) * 4;
      const ny = ((b.x - a.x) / len) * 4;
      for (const e of [a, b]) {
        ctx.moveTo(e.x - nx, e.y - ny);
        ctx.lineTo(e.x + nx, e.y + ny);
      }
      ctx.stroke();
      ctx.fillText(m.text, b.x + 6, b.y - 6);
    } else {
      ellipseOutline(m).forEach((ijk, n) => {
        const s = toScreen(dims, axes, t, ijk);
        if (n === 0) ctx.moveTo(s.x, s.y);
        else ctx.lineTo(s.x, s.y);
      });
      ctx.stroke();
      ctx.fillText(m.text, Math.max(a.x, b.x) + 6, Math.min(a.y, b.y));
    }
  }
  ctx.restore();
}
