// Picking a measurement by clicking it on a slice view: a plain left click within a few pixels of a kept
// ruler or ellipse (pickMeasurement.ts) selects it (Delete then removes it), and is not also a crosshair move
// or the start of a new measurement; a plain click elsewhere clears the selection and goes on as before.
// Only while no labelling tool holds the left button (a brush stroke across a ruler paints) and not with the
// window/level tool.
//
// A capture listener on the canvas itself: at the target, Chromium runs capture listeners before the others
// (useSlicePointer.ts's), so stopping it here keeps them from seeing the click at all.
import type { RefObject } from 'react';
import { useEffect } from 'react';
import type { SliceViewProps } from '../sliceViewProps';
import { screenTransform } from '../viewTransform';
import { toScreen } from './drawMeasurements';
import { pickMeasurement } from './pickMeasurement';

type PickProps = Pick<
  SliceViewProps,
  'view' | 'layout' | 'camera' | 'dims' | 'cursor' | 'tool' | 'editor' | 'measure' | 'onActivate'
>;

export function useMeasurePick(
  canvasRef: RefObject<HTMLCanvasElement | null>,
  latest: RefObject<PickProps>,
  sizeRef: RefObject<{ w: number; h: number }>,
): void {
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const down = (e: PointerEvent): void => {
      const q = latest.current;
      const tool = q.measure;
      if (!tool || e.button !== 0 || e.shiftKey || e.ctrlKey || e.altKey || e.metaKey) return;
      if (q.tool === 'windowLevel' || (q.editor?.capturesPointer && q.editor !== tool)) return;
      const r = canvas.getBoundingClientRect();
      const s = sizeRef.current;
      const t = screenTransform(q.layout, s.w, s.h, q.camera);
      const axis = q.layout.axes.normal.axis;
      const marks = tool.marks(axis, q.cursor[axis]);
      const id = pickMeasurement(
        marks,
        (ijk) => toScreen(q.dims, q.layout.axes, t, ijk),
        e.clientX - r.left,
        e.clientY - r.top,
      );
      tool.select(id);
      if (id === null) return;
      e.stopImmediatePropagation();
      e.preventDefault();
      q.onActivate(q.view);
    };
    canvas.addEventListener('pointerdown', down, { capture: true });
    return () => canvas.removeEventListener('pointerdown', down, { capture: true });
  }, [canvasRef, latest, sizeRef]);
}
