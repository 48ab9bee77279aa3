// One patient-oriented slice view (axial, coronal or sagittal): a 2D canvas showing the slice through the
// cursor, drawn from the in-memory typed array (never re-uploaded), with the crosshair, the edge letters and
// a title bar. Pointer input is turned into intents (set cursor, scroll, zoom, pan, window/level) handed to
// the Viewer, which owns the state (useSlicePointer.ts); a frame is composed by drawSliceFrame.ts from the
// offscreen slice image and label overlays cached here.
//
// Frames: the canvas is in CSS pixels (drawn at devicePixelRatio); the image is the view's (u, v) pixel grid
// (see display.ts); screenTransform maps one to the other. Nearest-neighbour drawing, so each voxel is a
// crisp rectangle and the screen -> voxel mapping is exact.

import { memo, useCallback, useEffect, useLayoutEffect, useRef } from 'react';
import type { SliceViewName, ViewLayout } from '@core/geometry/display';
import type { MaskLayer } from '@core/labelling/mask-layer';
import { renderLabelSlice } from '@core/labelling/overlay-render';
import type { VoxelArray } from '@core/volume/types';
import { drawSliceFrame } from './drawSliceFrame';
import { MaximiseIcon } from './icons';
import { useMeasurePick } from './measure/useMeasurePick';
import { renderSlice } from './sliceExtract';
import type { SliceViewProps } from './sliceViewProps';
import { useElementSize } from './useElementSize';
import { useSlicePointer } from './useSlicePointer';
import { VIEW_COLOURS } from './viewColours';
import type { GreyMap } from './windowLevel';

/**
 * Performance mark set after a frame that shows a new slice of a view has been drawn (detail: `{ view,
 * slice }`, the slice a voxel index). Only the latest is kept (earlier ones are cleared), so scrolling for
 * hours keeps no trail; `concord bench view` measures from the wheel or key event to the frame after it.
 */
export const SLICE_DRAWN_MARK = 'concord:slice-drawn';

/** Sets SLICE_DRAWN_MARK when `slice` is not the slice the view's last frame showed. */
function markSliceDrawn(drawn: { current: number }, view: SliceViewName, slice: number): void {
  if (drawn.current === slice) return;
  drawn.current = slice;
  performance.clearMarks(SLICE_DRAWN_MARK);
  performance.mark(SLICE_DRAWN_MARK, { detail: { view, slice } });
}

export const VIEW_TITLES: Record<SliceViewName, string> = {
  axial: 'Axial',
  coronal: 'Coronal',
  sagittal: 'Sagittal',
};

/**
 * The view's own canvas is opaque (a black background is drawn first), so compositing it needs no blending.
 * (Drawing the slice views on the CPU instead, `willReadFrequently`, was measured slower with software GL.)
 */
const VIEW_2D: CanvasRenderingContext2DSettings = { alpha: false };

/** Offscreen RGBA of one label layer's slice, current while (slice, version, layout) match. */
interface OverlayCache {
  canvas: HTMLCanvasElement;
  data: ImageData;
  u32: Uint32Array;
  slice: number;
  version: number;
  axes: ViewLayout['axes'] | null;
}

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

function SliceViewImpl(p: SliceViewProps) {
  const bodyRef = useRef<HTMLDivElement | null>(null);
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  // The body's CSS size (the 2×2 / maximised layout changes it without a window resize).
  const size = useElementSize(bodyRef);
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

  // The offscreen image belongs to the layout (its size); a new layout gets a new one. Made in a layout
  // effect, like everything the drawing below reads, so the first draw finds it.
  useLayoutEffect(() => {
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
  useLayoutEffect(() => {
    latest.current = p;
    sizeRef.current = size;
  });
  const overlayCaches = useRef(new Map<MaskLayer, OverlayCache>());
  /** Pointer position over the canvas (CSS px), for the brush outline; null when outside. */
  const hoverRef = useRef<{ x: number; y: number } | null>(null);
  /** The slice of the last drawn frame (-1: none yet), for the slice-drawn mark. */
  const drawnSlice = useRef(-1);

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
    const ctx = canvas.getContext('2d', VIEW_2D);
    if (!ctx) return;
    const overlays: HTMLCanvasElement[] = [];
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
      overlays.push(c.canvas);
    }
    drawSliceFrame(ctx, {
      size: sz,
      layout: q.layout,
      camera: q.camera,
      dims: q.dims,
      cursor: q.cursor,
      image: img.canvas,
      overlays,
      crosshair: q.crosshair ? { vertical: q.verticalColour, horizontal: q.horizontalColour } : null,
      decorations: q.editor?.capturesPointer ? q.editor.decorations(q.view) : null,
      hover: hoverRef.current,
      measurements: q.measure?.marks(q.layout.axes.normal.axis, sl) ?? [],
    });
    q.onDrawn(q.view);
    markSliceDrawn(drawnSlice, q.view, sl);
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

  // Drawn in the commit itself (a layout effect), so the new slice is on the canvas before the browser paints
  // that commit; a passive effect could run after the paint and show the new slice a frame later.
  useLayoutEffect(() => {
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
    p.measure,
    size,
  ]);

  // Label layers and the editor redraw this view without a React render; a layer change outside the
  // slice shown here keeps the cached overlay (a 3D brush in another view).
  const { overlays, editor, measure } = p;
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
    const offMeasure = measure && measure !== editor ? measure.subscribe(requestDraw) : undefined;
    return () => {
      for (const off of [...offs, offEditor, offMeasure]) off?.();
    };
  }, [overlays, editor, measure, requestDraw]);
  // Caches of layers no longer shown are dropped.
  useEffect(() => {
    for (const layer of [...overlayCaches.current.keys()]) {
      if (!overlays.includes(layer)) overlayCaches.current.delete(layer);
    }
  }, [overlays]);

  // Pointer interaction: a click on a measurement picks it; else intents for the viewer, or the editor's.
  useMeasurePick(canvasRef, latest, sizeRef);
  useSlicePointer(canvasRef, latest, sizeRef, hoverRef, requestDraw);

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
        <span className="cv-pane-slice" title="Slice, counted from 1 (voxel index through the plane + 1)">
          <span data-testid={`slice-${p.view}`}>{slice + 1}</span>
          <span className="cv-dim"> / {p.layout.depth}</span>
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
