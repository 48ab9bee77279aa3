// Composes one frame of a slice view on its canvas: black background, the slice image and the label
// overlays (nearest-neighbour, fitted/zoomed/panned per viewTransform.ts), the crosshair, and the editor's
// marks (brush outline, polygon or lasso in progress). Pure: it draws what it is given on the context it is
// given (tested with a recording context); the offscreen images are made and cached by SliceView.tsx.
//
// Frames: the canvas backing store is in device pixels (CSS size × devicePixelRatio); everything after the
// background is drawn in CSS pixels. Image pixel (u, v) is placed by the view's ScreenTransform; ijk points
// of the editor's path are continuous voxel indices (core labelling/slice-editor.ts).
import type { Vec3 } from '@core/geometry/affine';
import type { ViewLayout } from '@core/geometry/display';
import { voxelToViewPixel } from '@core/geometry/display';
import type { SliceDecorations } from '@core/labelling/slice-editor';
import { ijkToImagePoint } from '@core/labelling/slice-editor';
import { drawMeasurements } from './measure/drawMeasurements';
import type { MeasureMark } from './measure/measureTool';
import type { ScreenTransform, ViewCamera } from './viewTransform';
import { pixelCentre, screenToPixel, screenTransform } from './viewTransform';

/** Gap (CSS px) left in the crosshair around the cursor, so the voxel under it stays visible. */
export const CROSSHAIR_GAP = 10;
/** The editor's path shows its vertices (small squares) while it has fewer than this many points. */
const MAX_MARKED_VERTICES = 64;

/** What drawSliceFrame uses of a canvas 2D context. */
export type SliceCanvasContext = Pick<
  CanvasRenderingContext2D,
  | 'setTransform'
  | 'fillRect'
  | 'drawImage'
  | 'beginPath'
  | 'moveTo'
  | 'lineTo'
  | 'stroke'
  | 'arc'
  | 'fillText'
  | 'save'
  | 'restore'
  | 'fillStyle'
  | 'strokeStyle'
  | 'lineWidth'
  | 'globalAlpha'
  | 'font'
  | 'imageSmoothingEnabled'
>;

export interface SliceFrame {
  /** The canvas's CSS size and the device pixel ratio. */
  size: { w: number; h: number; dpr: number };
  layout: ViewLayout;
  camera: ViewCamera;
  dims: Vec3;
  /** Crosshair voxel (i, j, k). */
  cursor: Vec3;
  /** The slice image, one pixel per image pixel (layout.width × layout.height). */
  image: CanvasImageSource;
  /** Label overlays of the same size, drawn over the image in order. */
  overlays: readonly CanvasImageSource[];
  /** Colours of the vertical and horizontal crosshair lines; null: no crosshair. */
  crosshair: { vertical: string; horizontal: string } | null;
  /** The editor's marks for this view while it captures the pointer, else null. */
  decorations: SliceDecorations | null;
  /** Pointer position over the canvas (CSS px), for the brush outline; null when outside. */
  hover: { x: number; y: number } | null;
  /** Rulers and ellipses on this slice (continuous voxel indices), drawn last; absent or empty: none. */
  measurements?: readonly MeasureMark[];
}

/** Draws one frame; the canvas must already have its device-pixel size (round(size × dpr)). */
export function drawSliceFrame(ctx: SliceCanvasContext, f: SliceFrame): void {
  const { w, h, dpr } = f.size;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, Math.round(w * dpr), Math.round(h * dpr));
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const t = screenTransform(f.layout, w, h, f.camera);
  ctx.imageSmoothingEnabled = false;
  const imgW = t.width * t.cellWidth;
  const imgH = t.height * t.cellHeight;
  ctx.drawImage(f.image, t.originX, t.originY, imgW, imgH);
  for (const overlay of f.overlays) ctx.drawImage(overlay, t.originX, t.originY, imgW, imgH);
  if (f.crosshair) drawCrosshair(ctx, f, t, f.crosshair);
  if (f.decorations) drawDecorations(ctx, f, t, f.decorations);
  if (f.measurements) drawMeasurements(ctx, f.dims, f.layout.axes, t, f.measurements);
}

/** Two lines through the cursor voxel's centre, across the image, with a gap around the cursor. */
function drawCrosshair(
  ctx: SliceCanvasContext,
  f: SliceFrame,
  t: ScreenTransform,
  colours: { vertical: string; horizontal: string },
): void {
  const px = voxelToViewPixel(f.dims, f.layout.axes, f.cursor);
  const c = pixelCentre(t, px.u, px.v);
  const x0 = t.originX;
  const x1 = t.originX + t.width * t.cellWidth;
  const y0 = t.originY;
  const y1 = t.originY + t.height * t.cellHeight;
  ctx.lineWidth = 1;
  ctx.globalAlpha = 0.85;
  ctx.strokeStyle = colours.vertical;
  ctx.beginPath();
  ctx.moveTo(c.x, y0);
  ctx.lineTo(c.x, c.y - CROSSHAIR_GAP);
  ctx.moveTo(c.x, c.y + CROSSHAIR_GAP);
  ctx.lineTo(c.x, y1);
  ctx.stroke();
  ctx.strokeStyle = colours.horizontal;
  ctx.beginPath();
  ctx.moveTo(x0, c.y);
  ctx.lineTo(c.x - CROSSHAIR_GAP, c.y);
  ctx.moveTo(c.x + CROSSHAIR_GAP, c.y);
  ctx.lineTo(x1, c.y);
  ctx.stroke();
  ctx.globalAlpha = 1;
}

/**
 * The editor's marks over the view: the brush outline (a circle of its radius in mm, which the view's
 * physical aspect keeps round) centred on the voxel under the pointer, with its size; and a polygon or
 * lasso in progress.
 */
function drawDecorations(
  ctx: SliceCanvasContext,
  f: SliceFrame,
  t: ScreenTransform,
  d: SliceDecorations,
): void {
  ctx.save();
  ctx.strokeStyle = d.colour;
  ctx.fillStyle = d.colour;
  ctx.lineWidth = 1.5;
  if (d.path && d.path.length > 0) {
    const points = d.path.map((ijk) => {
      const pt = ijkToImagePoint(f.dims, f.layout.axes, ijk);
      return { x: t.originX + pt.x * t.cellWidth, y: t.originY + pt.y * t.cellHeight };
    });
    ctx.beginPath();
    points.forEach((p, n) => {
      if (n === 0) ctx.moveTo(p.x, p.y);
      else ctx.lineTo(p.x, p.y);
    });
    ctx.stroke();
    if (points.length < MAX_MARKED_VERTICES) for (const p of points) ctx.fillRect(p.x - 2, p.y - 2, 4, 4);
  }
  if (f.hover && d.brushRadiusMm !== null) {
    const px = screenToPixel(t, f.hover.x, f.hover.y);
    if (px) {
      const c = pixelCentre(t, px.u, px.v);
      const r = Math.max(2, d.brushRadiusMm * t.scale);
      ctx.beginPath();
      ctx.arc(c.x, c.y, r, 0, Math.PI * 2);
      ctx.stroke();
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillText(d.brushText, c.x + r * 0.75 + 4, c.y - r * 0.75 - 4);
    }
  }
  ctx.restore();
}
