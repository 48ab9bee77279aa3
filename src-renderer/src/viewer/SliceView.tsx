// One patient-oriented slice view (axial, coronal or sagittal): a 2D canvas showing the slice through the
// cursor, drawn from the in-memory typed array (never re-uploaded), with the crosshair, the edge letters and
// a title bar. Pointer input is turned into intents (set cursor, scroll, zoom, pan, window/level) handed to
// the Viewer, which owns the state.
//
// Frames: the canvas is in CSS pixels (drawn at devicePixelRatio); the image is the view's (u, v) pixel grid
// (see display.ts); screenTransform maps one to the other. Nearest-neighbour drawing, so each voxel is a
// crisp rectangle and the screen -> voxel mapping is exact.

import { memo, useCallback, useEffect, useRef, useState } from 'react';
import type { Vec3 } from '../../../src-main/core/geometry/affine';
import type { SliceViewName, ViewLayout } from '../../../src-main/core/geometry/display';
import { viewPixelToVoxel, voxelToViewPixel } from '../../../src-main/core/geometry/display';
import { MaximiseIcon } from './icons';
import type { VoxelArray } from '../../../src-main/core/volume/types';
import type { MaskLayer } from '../../../src-main/core/labelling/mask-layer';
import { renderLabelSlice } from '../../../src-main/core/labelling/overlay-render';
import type { PointerPhase, SliceEditor, SlicePointer } from '../../../src-main/core/labelling/slice-editor';
import { ijkToImagePoint, imagePointToIjk } from '../../../src-main/core/labelling/slice-editor';
import { renderSlice } from './sliceExtract';
import type { ViewCamera } from './viewTransform';
import { pixelCentre, screenToPixel, screenTransform } from './viewTransform';
import type { Tool } from './viewerState';
import { VIEW_COLOURS } from './viewColours';
import type { GreyMap } from './windowLevel';

export const VIEW_TITLES: Record<SliceViewName, string> = {
  axial: 'Axial',
  coronal: 'Coronal',
  sagittal: 'Sagittal',
};

type DragMode = 'cursor' | 'pan' | 'zoom' | 'window' | 'edit';

/** Offscreen RGBA of one label layer's slice, current while (slice, version, layout) match. */
interface OverlayCache {
  canvas: HTMLCanvasElement;
  data: ImageData;
  u32: Uint32Array;
  slice: number;
  version: number;
  axes: ViewLayout['axes'] | null;
}

export interface SliceViewProps {
  view: SliceViewName;
  layout: ViewLayout;
  /** Colours of the views whose planes show as the vertical and the horizontal crosshair line. */
  verticalColour: string;
  horizontalColour: string;
  voxels: VoxelArray;
  dims: Vec3;
  greyMap: GreyMap;
  cursor: Vec3;
  camera: ViewCamera;
  tool: Tool;
  crosshair: boolean;
  active: boolean;
  maximised: boolean;
  hidden: boolean;
  onCanvas(view: SliceViewName, el: HTMLCanvasElement | null): void;
  /** Image pixel under the pointer (null when off the image); the viewer adds the current slice. */
  onHover(view: SliceViewName, px: { u: number; v: number } | null): void;
  onCursor(ijk: Vec3): void;
  /** Wheel / drag scrolling: `steps` slices "up" (toward Superior / Anterior / Left), negative for down. */
  onScroll(view: SliceViewName, steps: number): void;
  /** Zoom by `factor` about CSS point (x, y) of the canvas. */
  onZoom(
    view: SliceViewName,
    factor: number,
    x: number,
    y: number,
    cssWidth: number,
    cssHeight: number,
  ): void;
  onPan(view: SliceViewName, dx: number, dy: number): void;
  onWindowDrag(phase: 'start' | 'move', dx: number, dy: number): void;
  onActivate(view: SliceViewName): void;
  onToggleMaximise(view: SliceViewName): void;
  /** After each drawn frame (the viewer marks its first one for benchmarks). */
  onDrawn(view: SliceViewName): void;
  /** Label maps drawn over the image, in order (each filled or outlined per its style). */
  overlays: readonly MaskLayer[];
  /** The labelling tools: while it captures the pointer, the left button is its (Shift/Ctrl keep pan, W/L). */
  editor: SliceEditor | null;
}

/** Gap (CSS px) left in the crosshair around the cursor, so the voxel under it stays visible. */
const CROSSHAIR_GAP = 10;
/** Wheel pixels per slice step (Chromium sends 100 per notch); smaller deltas accumulate. */
const WHEEL_PIXELS_PER_STEP = 100;

/** The offscreen canvas caching one layer's slice in this view, (re)made to the layout's image size. */
function overlayCanvas(
  caches: Map<MaskLayer, OverlayCache>,
  layer: MaskLayer,
  layout: ViewLayout,
): OverlayCache {
  const w = Math.max(1, layout.width);
  const h = Math.max(1, layout.height);
  let c = caches.get(layer);
  if (!c || c.canvas.width !== w || c.canvas.height !== h) {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const data = new ImageData(w, h);
    c = { canvas, data, u32: new Uint32Array(data.data.buffer), slice: -1, version: -1, axes: null };
    caches.set(layer, c);
  }
  return c;
}

/**
 * The editor's marks over the view: the brush outline (a circle of its radius in mm, which the view's
 * physical aspect keeps round) centred on the voxel under the pointer, with its size; and a polygon or
 * lasso in progress.
 */
function drawDecorations(
  ctx: CanvasRenderingContext2D,
  q: SliceViewProps,
  t: ReturnType<typeof screenTransform>,
  hover: { x: number; y: number } | null,
): void {
  const editor = q.editor;
  if (!editor || !editor.capturesPointer) return;
  const d = editor.decorations(q.view);
  ctx.save();
  ctx.strokeStyle = d.colour;
  ctx.fillStyle = d.colour;
  ctx.lineWidth = 1.5;
  if (d.path && d.path.length > 0) {
    ctx.beginPath();
    d.path.forEach((ijk, n) => {
      const pt = ijkToImagePoint(q.dims, q.layout.axes, ijk);
      const x = t.originX + pt.x * t.cellWidth;
      const y = t.originY + pt.y * t.cellHeight;
      if (n === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
    for (const ijk of d.path.length < 64 ? d.path : []) {
      const pt = ijkToImagePoint(q.dims, q.layout.axes, ijk);
      ctx.fillRect(t.originX + pt.x * t.cellWidth - 2, t.originY + pt.y * t.cellHeight - 2, 4, 4);
    }
  }
  if (hover && d.brushRadiusMm !== null) {
    const px = screenToPixel(t, hover.x, hover.y);
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

function SliceViewImpl(p: SliceViewProps) {
  const bodyRef = useRef<HTMLDivElement | null>(null);
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const [size, setSize] = useState<{ w: number; h: number; dpr: number }>({ w: 0, h: 0, dpr: 1 });
  // Offscreen image of the slice (one pixel per voxel), repainted only when slice or window change.
  const imageRef = useRef<{
    canvas: HTMLCanvasElement;
    data: ImageData;
    u32: Uint32Array;
    key: { slice: number; map: GreyMap; voxels: VoxelArray } | null;
  } | null>(null);
  const slice = p.cursor[p.layout.axes.normal.axis];

  const { view, onCanvas } = p;
  const setCanvas = useCallback(
    (el: HTMLCanvasElement | null) => {
      canvasRef.current = el;
      onCanvas(view, el);
    },
    [view, onCanvas],
  );

  // Track the body's CSS size (the 2×2 / maximised layout changes it without a window resize).
  useEffect(() => {
    const el = bodyRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      const r = el.getBoundingClientRect();
      setSize({ w: r.width, h: r.height, dpr: window.devicePixelRatio || 1 });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // The offscreen image belongs to the layout (its size); a new layout gets a new one.
  useEffect(() => {
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, p.layout.width);
    canvas.height = Math.max(1, p.layout.height);
    const data = new ImageData(canvas.width, canvas.height);
    imageRef.current = { canvas, data, u32: new Uint32Array(data.data.buffer), key: null };
    return () => {
      imageRef.current = null;
    };
  }, [p.layout.width, p.layout.height]);

  // Latest props for the imperative drawing and the native listeners (bound once). Declared before the
  // drawing effect so that it is current when that runs.
  const latest = useRef(p);
  const sizeRef = useRef(size);
  useEffect(() => {
    latest.current = p;
    sizeRef.current = size;
  });
  const overlayCaches = useRef(new Map<MaskLayer, OverlayCache>());
  /** Pointer position over the canvas (CSS px), for the brush outline; null when outside. */
  const hoverRef = useRef<{ x: number; y: number } | null>(null);

  // Draw: slice image (if its inputs changed), label overlays, crosshair, then the editor's decorations.
  // Called by the effect below after renders, and by requestDraw() (one animation frame) when a label layer
  // or the editor changes without a React render (a brush dab).
  const drawNow = useCallback(() => {
    const q = latest.current;
    const sz = sizeRef.current;
    const canvas = canvasRef.current;
    const img = imageRef.current;
    if (!canvas || !img || q.hidden || sz.w <= 0 || sz.h <= 0) return;
    const sl = q.cursor[q.layout.axes.normal.axis];
    const k = img.key;
    if (!k || k.slice !== sl || k.map !== q.greyMap || k.voxels !== q.voxels) {
      renderSlice(q.voxels, q.dims, q.layout.axes, sl, q.greyMap, img.u32);
      img.canvas.getContext('2d')?.putImageData(img.data, 0, 0);
      img.key = { slice: sl, map: q.greyMap, voxels: q.voxels };
    }
    const pw = Math.round(sz.w * sz.dpr);
    const ph = Math.round(sz.h * sz.dpr);
    if (canvas.width !== pw) canvas.width = pw;
    if (canvas.height !== ph) canvas.height = ph;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, pw, ph);
    ctx.setTransform(sz.dpr, 0, 0, sz.dpr, 0, 0);
    const t = screenTransform(q.layout, sz.w, sz.h, q.camera);
    ctx.imageSmoothingEnabled = false;
    const imgW = t.width * t.cellWidth;
    const imgH = t.height * t.cellHeight;
    ctx.drawImage(img.canvas, t.originX, t.originY, imgW, imgH);
    for (const layer of q.overlays) {
      if (!layer.visible) continue;
      const c = overlayCanvas(overlayCaches.current, layer, q.layout);
      if (c.slice !== sl || c.version !== layer.version || c.axes !== q.layout.axes) {
        renderLabelSlice(layer.mask, q.dims, q.layout.axes, sl, layer.lut, layer.style === 'outline', c.u32);
        c.canvas.getContext('2d')?.putImageData(c.data, 0, 0);
        c.slice = sl;
        c.version = layer.version;
        c.axes = q.layout.axes;
      }
      ctx.drawImage(c.canvas, t.originX, t.originY, imgW, imgH);
    }
    if (q.crosshair) {
      const px = voxelToViewPixel(q.dims, q.layout.axes, q.cursor);
      const c = pixelCentre(t, px.u, px.v);
      const x0 = t.originX;
      const x1 = t.originX + imgW;
      const y0 = t.originY;
      const y1 = t.originY + imgH;
      ctx.lineWidth = 1;
      ctx.globalAlpha = 0.85;
      ctx.strokeStyle = q.verticalColour;
      ctx.beginPath();
      ctx.moveTo(c.x, y0);
      ctx.lineTo(c.x, c.y - CROSSHAIR_GAP);
      ctx.moveTo(c.x, c.y + CROSSHAIR_GAP);
      ctx.lineTo(c.x, y1);
      ctx.stroke();
      ctx.strokeStyle = q.horizontalColour;
      ctx.beginPath();
      ctx.moveTo(x0, c.y);
      ctx.lineTo(c.x - CROSSHAIR_GAP, c.y);
      ctx.moveTo(c.x + CROSSHAIR_GAP, c.y);
      ctx.lineTo(x1, c.y);
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    if (q.editor) drawDecorations(ctx, q, t, hoverRef.current);
    q.onDrawn(q.view);
  }, []);

  const frame = useRef(0);
  const requestDraw = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      drawNow();
    });
  }, [drawNow]);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  useEffect(() => {
    drawNow();
  }, [
    drawNow,
    p.voxels,
    p.dims,
    p.layout,
    p.greyMap,
    p.cursor,
    p.camera,
    p.crosshair,
    p.hidden,
    p.verticalColour,
    p.horizontalColour,
    p.overlays,
    p.editor,
    size,
  ]);

  // Label layers and the editor redraw this view without a React render; a layer change outside the
  // slice shown here keeps the cached overlay (a 3D brush in another view).
  const { overlays, editor } = p;
  useEffect(() => {
    const offs = overlays.map((layer) =>
      layer.subscribe((box) => {
        const q = latest.current;
        const c = overlayCaches.current.get(layer);
        const axis = q.layout.axes.normal.axis;
        const sl = q.cursor[axis];
        const elsewhere = box !== null && (sl < box[axis * 2]! || sl >= box[axis * 2 + 1]!);
        if (elsewhere && c && c.version === layer.version - 1) c.version = layer.version;
        else requestDraw();
      }),
    );
    const offEditor = editor?.subscribe(requestDraw);
    return () => {
      for (const off of offs) off();
      offEditor?.();
    };
  }, [overlays, editor, requestDraw]);
  // Caches of layers no longer shown are dropped.
  useEffect(() => {
    for (const layer of [...overlayCaches.current.keys()]) {
      if (!overlays.includes(layer)) overlayCaches.current.delete(layer);
    }
  }, [overlays]);

  // Pointer interaction: intents for the viewer, or gestures for the editor.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let drag: { mode: DragMode; id: number; x: number; y: number; x0: number; y0: number } | null = null;
    let wheelAccumulator = 0;

    const local = (e: MouseEvent): { x: number; y: number } => {
      const r = canvas.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };
    const pixelAt = (x: number, y: number): { u: number; v: number } | null => {
      const q = latest.current;
      const s = sizeRef.current;
      return screenToPixel(screenTransform(q.layout, s.w, s.h, q.camera), x, y);
    };
    const voxelAt = (x: number, y: number): Vec3 | null => {
      const q = latest.current;
      const px = pixelAt(x, y);
      if (!px) return null;
      return viewPixelToVoxel(q.dims, q.layout.axes, { ...px, slice: q.cursor[q.layout.axes.normal.axis] });
    };
    /** The editor's view of a canvas point (continuous image and voxel coordinates, see slice-editor.ts). */
    const editPointer = (x: number, y: number): SlicePointer => {
      const q = latest.current;
      const s = sizeRef.current;
      const t = screenTransform(q.layout, s.w, s.h, q.camera);
      const ix = (x - t.originX) / t.cellWidth;
      const iy = (y - t.originY) / t.cellHeight;
      const slice = q.cursor[q.layout.axes.normal.axis];
      return {
        view: q.view,
        axes: q.layout.axes,
        slice,
        x: ix,
        y: iy,
        ijk: imagePointToIjk(q.dims, q.layout.axes, ix, iy, slice),
        voxel: voxelAt(x, y),
        dragPx: drag ? Math.hypot(x - drag.x0, y - drag.y0) : 0,
      };
    };
    const toEditor = (phase: PointerPhase, x: number, y: number): void => {
      latest.current.editor?.pointer(phase, editPointer(x, y));
    };

    const down = (e: PointerEvent): void => {
      const q = latest.current;
      q.onActivate(q.view);
      const { x, y } = local(e);
      let mode: DragMode | null = null;
      if (e.button === 0 && e.shiftKey) mode = 'pan';
      else if (e.button === 0 && (e.ctrlKey || q.tool === 'windowLevel')) mode = 'window';
      else if (e.button === 0 && q.editor?.capturesPointer) mode = 'edit';
      else if (e.button === 0) mode = 'cursor';
      else if (e.button === 1) mode = 'pan';
      else if (e.button === 2) mode = 'zoom';
      if (!mode) return;
      e.preventDefault();
      canvas.setPointerCapture(e.pointerId);
      drag = { mode, id: e.pointerId, x, y, x0: x, y0: y };
      if (mode === 'cursor') {
        const v = voxelAt(x, y);
        if (v) q.onCursor(v);
      } else if (mode === 'window') {
        q.onWindowDrag('start', 0, 0);
      } else if (mode === 'edit') {
        toEditor('down', x, y);
      }
    };

    const move = (e: PointerEvent): void => {
      const q = latest.current;
      const { x, y } = local(e);
      q.onHover(q.view, pixelAt(x, y));
      hoverRef.current = { x, y };
      if (q.editor?.capturesPointer) requestDraw();
      if (!drag || drag.id !== e.pointerId) return;
      const dx = x - drag.x;
      const dy = y - drag.y;
      switch (drag.mode) {
        case 'cursor': {
          const v = voxelAt(x, y);
          if (v) q.onCursor(v);
          break;
        }
        case 'pan':
          q.onPan(q.view, dx, dy);
          break;
        case 'zoom': {
          const s = sizeRef.current;
          // Up zooms in; about the point where the drag started.
          if (dy !== 0) q.onZoom(q.view, Math.exp(-dy * 0.01), drag.x0, drag.y0, s.w, s.h);
          break;
        }
        case 'window':
          q.onWindowDrag('move', x - drag.x0, y - drag.y0);
          break;
        case 'edit':
          toEditor('move', x, y);
          break;
      }
      drag.x = x;
      drag.y = y;
    };

    const up = (e: PointerEvent): void => {
      if (drag && drag.id === e.pointerId) {
        if (canvas.hasPointerCapture(e.pointerId)) canvas.releasePointerCapture(e.pointerId);
        const { x, y } = local(e);
        if (drag.mode === 'edit') toEditor(e.type === 'pointercancel' ? 'cancel' : 'up', x, y);
        drag = null;
      }
    };

    const double = (e: MouseEvent): void => {
      if (e.button !== 0 || !latest.current.editor?.capturesPointer) return;
      const { x, y } = local(e);
      toEditor('double', x, y);
    };

    const leave = (): void => {
      hoverRef.current = null;
      if (latest.current.editor?.capturesPointer) requestDraw();
      if (!drag) latest.current.onHover(latest.current.view, null);
    };

    const wheel = (e: WheelEvent): void => {
      e.preventDefault();
      const q = latest.current;
      q.onActivate(q.view);
      const pixels = e.deltaMode === 1 ? e.deltaY * 33 : e.deltaMode === 2 ? e.deltaY * 300 : e.deltaY;
      if (e.ctrlKey) {
        const { x, y } = local(e);
        const s = sizeRef.current;
        q.onZoom(q.view, Math.exp(-pixels * 0.002), x, y, s.w, s.h);
        return;
      }
      wheelAccumulator += pixels;
      if (Math.abs(wheelAccumulator) < WHEEL_PIXELS_PER_STEP / 2) return;
      const n = Math.max(1, Math.round(Math.abs(wheelAccumulator) / WHEEL_PIXELS_PER_STEP));
      // Wheel up (negative delta) scrolls "up".
      q.onScroll(q.view, wheelAccumulator < 0 ? n : -n);
      wheelAccumulator = 0;
    };

    const noMenu = (e: Event): void => e.preventDefault();
    const enter = (): void => latest.current.onActivate(latest.current.view);

    canvas.addEventListener('pointerdown', down);
    canvas.addEventListener('pointermove', move);
    canvas.addEventListener('pointerup', up);
    canvas.addEventListener('pointercancel', up);
    canvas.addEventListener('pointerleave', leave);
    canvas.addEventListener('pointerenter', enter);
    canvas.addEventListener('wheel', wheel, { passive: false });
    canvas.addEventListener('contextmenu', noMenu);
    canvas.addEventListener('dblclick', double);
    return () => {
      canvas.removeEventListener('dblclick', double);
      canvas.removeEventListener('pointerdown', down);
      canvas.removeEventListener('pointermove', move);
      canvas.removeEventListener('pointerup', up);
      canvas.removeEventListener('pointercancel', up);
      canvas.removeEventListener('pointerleave', leave);
      canvas.removeEventListener('pointerenter', enter);
      canvas.removeEventListener('wheel', wheel);
      canvas.removeEventListener('contextmenu', noMenu);
    };
  }, [requestDraw]);

  const { labels } = p.layout;
  const title = VIEW_TITLES[p.view];
  return (
    <section
      className={`cv-pane${p.active ? ' cv-active' : ''}`}
      data-testid={`view-${p.view}`}
      data-view={p.view}
      data-slice={slice}
      data-zoom={p.camera.zoom}
      hidden={p.hidden}
    >
      <header
        className="cv-pane-title"
        style={{ borderTopColor: VIEW_COLOURS[p.view] }}
        onDoubleClick={() => p.onToggleMaximise(p.view)}
      >
        <span className="cv-pane-name" style={{ color: VIEW_COLOURS[p.view] }}>
          {title}
        </span>
        <span className="cv-pane-slice" title="Slice: voxel index through the plane">
          <span data-testid={`slice-${p.view}`}>{slice}</span>
          <span className="cv-dim"> / {p.layout.depth - 1}</span>
        </span>
        <button
          type="button"
          className="cv-icon-button"
          data-testid={`maximise-${p.view}`}
          title={p.maximised ? 'Back to the 2×2 grid (0 or Esc)' : `Maximise ${title}`}
          aria-label={p.maximised ? 'Restore grid' : `Maximise ${title}`}
          onClick={() => p.onToggleMaximise(p.view)}
        >
          <MaximiseIcon restore={p.maximised} />
        </button>
      </header>
      <div className="cv-pane-body" ref={bodyRef}>
        <canvas ref={setCanvas} className="cv-slice-canvas" data-testid={`canvas-${p.view}`} />
        <span className="cv-orient cv-orient-left" data-testid={`orient-${p.view}-left`}>
          {labels.left}
        </span>
        <span className="cv-orient cv-orient-right" data-testid={`orient-${p.view}-right`}>
          {labels.right}
        </span>
        <span className="cv-orient cv-orient-top" data-testid={`orient-${p.view}-top`}>
          {labels.top}
        </span>
        <span className="cv-orient cv-orient-bottom" data-testid={`orient-${p.view}-bottom`}>
          {labels.bottom}
        </span>
      </div>
    </section>
  );
}

export const SliceView = memo(SliceViewImpl);
