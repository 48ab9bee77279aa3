// Pointer input of one slice view: turns the canvas's pointer, wheel and double-click events into intents
// for the Viewer (set the crosshair, scroll, zoom, pan, window/level, activate, hover) or, while the
// labelling editor captures the pointer, into its gestures (core labelling/slice-editor.ts). Native
// listeners, bound once per canvas; they read the latest props and size through refs.
//
// Buttons: left = crosshair (or the editor's tool, or window/level with the W/L tool or Ctrl), Shift+left or
// middle = pan, right = zoom (up = in, about where the drag started). Wheel = slices, Ctrl+wheel = zoom
// about the pointer.
import type { RefObject } from 'react';
import { useEffect } from 'react';
import { flushSync } from 'react-dom';
import type { Vec3 } from '@core/geometry/affine';
import { viewPixelToVoxel } from '@core/geometry/display';
import type { PointerPhase, SlicePointer } from '@core/labelling/slice-editor';
import { imagePointToIjk } from '@core/labelling/slice-editor';
import type { SliceViewProps } from './sliceViewProps';
import { screenToPixel, screenTransform } from './viewTransform';

/** Wheel pixels per slice step (Chromium sends 100 per notch); smaller deltas accumulate. */
const WHEEL_PIXELS_PER_STEP = 100;

type DragMode = 'cursor' | 'pan' | 'zoom' | 'window' | 'edit';

/** What the pointer reads of the slice view's props. */
export type SlicePointerProps = Pick<
  SliceViewProps,
  | 'view'
  | 'layout'
  | 'camera'
  | 'dims'
  | 'cursor'
  | 'tool'
  | 'editor'
  | 'onActivate'
  | 'onCursor'
  | 'onHover'
  | 'onScroll'
  | 'onZoom'
  | 'onPan'
  | 'onWindowDrag'
>;

export function useSlicePointer(
  canvasRef: RefObject<HTMLCanvasElement | null>,
  /** The latest props and canvas CSS size. */
  latest: RefObject<SlicePointerProps>,
  sizeRef: RefObject<{ w: number; h: number }>,
  /** Set to the pointer's CSS position over the canvas (null outside), for the brush outline. */
  hoverRef: RefObject<{ x: number; y: number } | null>,
  /** Redraws the view in the next animation frame (the brush outline follows the pointer). */
  requestDraw: () => void,
): void {
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
      // Wheel up (negative delta) scrolls "up". Rendered (and the slice drawn) inside the event: Chromium
      // hands wheel events to the page at the start of a frame, and a render React scheduled for later would
      // miss that frame and show the slice one frame (16.7 ms) later.
      const steps = wheelAccumulator < 0 ? n : -n;
      flushSync(() => q.onScroll(q.view, steps));
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
  }, [canvasRef, latest, sizeRef, hoverRef, requestDraw]);
}
