// What the viewer does: the intents of the slice views (scroll, zoom, pan, window/level drag), the presets,
// Reset, and every command of the keyboard and the tool bar (keyBindings.ts), including the labelling
// tools' (the editor) and the review's (handed to the app). Turns each into reducer actions (viewerState.ts)
// or calls on the editor; the state itself stays in the Viewer.
import type { Dispatch, RefObject } from 'react';
import { useCallback, useRef, useState } from 'react';
import type { Vec3 } from '@core/geometry/affine';
import type { SliceViewName, ViewLayout } from '@core/geometry/display';
import { SLICE_VIEWS } from '@core/geometry/display';
import type { OperationName } from '@core/labelling/tool-settings';
import type { ViewerCommand } from './keyBindings';
import type { MeasureCommand } from './measure/measureKeys';
import type { MeasureControl } from './measure/useMeasureTool';
import type { ViewerEditing, ViewerReview } from './viewerProps';
import type { ViewerAction, ViewerState, WindowSource } from './viewerState';
import { zoomAt } from './viewTransform';
import type { PresetName, WindowLevel } from './windowLevel';
import { dragWindowLevel, presetByName } from './windowLevel';

export interface ViewerCommandInputs {
  dispatch: Dispatch<ViewerAction>;
  /** The latest state, for handlers bound once. */
  stateRef: RefObject<ViewerState>;
  layouts: Record<SliceViewName, ViewLayout>;
  dims: Vec3;
  /** Window/level drag: physical units per CSS pixel, and the narrowest window. */
  wlPerPixel: number;
  wlMin: number;
  /** The volume's auto window (computed on first need). */
  getAuto(): WindowLevel;
  /** The window Reset goes back to. */
  defaults: { wl: WindowLevel; source: WindowSource };
  /** The latest editing and review props. */
  editingRef: RefObject<ViewerEditing | undefined>;
  reviewRef: RefObject<ViewerReview | undefined>;
  /** The measurement tool and the latest measurement props (Esc cancels a drag in progress). */
  measure: MeasureControl;
  /** The slice views' canvases (keyboard zoom is about the active one's centre). */
  canvases: RefObject<Partial<Record<SliceViewName, HTMLCanvasElement>>>;
}

export interface ViewerCommands {
  /** Wheel / drag scrolling: `steps` slices "up" in `view`. */
  scroll(view: SliceViewName, steps: number): void;
  /** Zoom by `factor` about CSS point (x, y) of a w × h canvas. */
  onZoom(view: SliceViewName, factor: number, x: number, y: number, w: number, h: number): void;
  onPan(view: SliceViewName, dx: number, dy: number): void;
  onWindowDrag(phase: 'start' | 'move', dx: number, dy: number): void;
  applyPreset(name: PresetName | 'auto'): void;
  /** Zoom, pan, 3D camera and window back to their defaults. */
  reset(): void;
  /** Bumped by every Reset (the 3D view resets its camera). */
  resetCount: number;
  toggleMode(): void;
  /** A one-shot labelling operation on the active view's axis and slice. */
  runOperation(name: OperationName): void;
  /** Any command of the keyboard or the tool bar. */
  run(c: ViewerCommand): void;
}

export function useViewerCommands(o: ViewerCommandInputs): ViewerCommands {
  const { dispatch, stateRef, layouts, dims, wlPerPixel, wlMin, getAuto, defaults } = o;
  const { editingRef, reviewRef, canvases, measure } = o;
  const [resetCount, setResetCount] = useState(0);

  const scroll = useCallback(
    (view: SliceViewName, steps: number) => {
      const l = layouts[view];
      dispatch({ type: 'step', axis: l.axes.normal.axis, delta: steps * l.upStep });
    },
    [layouts, dispatch],
  );
  const onZoom = useCallback(
    (view: SliceViewName, factor: number, x: number, y: number, w: number, h: number) => {
      const cam = stateRef.current.cameras[view];
      dispatch({ type: 'camera', view, camera: zoomAt(layouts[view], w, h, cam, factor, x, y) });
    },
    [layouts, dispatch, stateRef],
  );
  const onPan = useCallback(
    (view: SliceViewName, dx: number, dy: number) => {
      const cam = stateRef.current.cameras[view];
      dispatch({ type: 'camera', view, camera: { ...cam, panX: cam.panX + dx, panY: cam.panY + dy } });
    },
    [dispatch, stateRef],
  );
  /** The window/level when the drag started (every drag starts with 'start'). */
  const wlStart = useRef<WindowLevel | null>(null);
  const onWindowDrag = useCallback(
    (phase: 'start' | 'move', dx: number, dy: number) => {
      if (phase === 'start') {
        wlStart.current = stateRef.current.wl;
        return;
      }
      if (!wlStart.current) return;
      dispatch({
        type: 'wl',
        wl: dragWindowLevel(wlStart.current, dx, dy, wlPerPixel, wlMin),
        source: 'manual',
      });
    },
    [wlPerPixel, wlMin, dispatch, stateRef],
  );
  const toggleMode = useCallback(() => {
    dispatch({ type: 'renderMode', mode: stateRef.current.renderMode === 'vr' ? 'mip' : 'vr' });
  }, [dispatch, stateRef]);

  const applyPreset = useCallback(
    (name: PresetName | 'auto') => {
      if (name === 'auto') dispatch({ type: 'wl', wl: getAuto(), source: 'auto' });
      else {
        const p = presetByName(name);
        dispatch({ type: 'wl', wl: { window: p.window, level: p.level }, source: name });
      }
    },
    [getAuto, dispatch],
  );
  const reset = useCallback(() => {
    dispatch({ type: 'reset', wl: defaults.wl, source: defaults.source });
    setResetCount((n) => n + 1);
  }, [defaults, dispatch]);

  // ---- labelling ----
  const runOperation = useCallback(
    (name: OperationName) => {
      const s = stateRef.current;
      const axes = layouts[s.active].axes;
      void editingRef.current?.editor?.operation(name, {
        view: s.active,
        axes,
        slice: s.cursor[axes.normal.axis],
      });
    },
    [layouts, stateRef, editingRef],
  );
  // ---- keyboard and tool bar ----
  const run = useCallback(
    (c: ViewerCommand) => {
      const s = stateRef.current;
      const ed = editingRef.current?.editor;
      const canvasSize = (view: SliceViewName): { w: number; h: number } => {
        const r = canvases.current[view]?.getBoundingClientRect();
        return { w: r?.width ?? 0, h: r?.height ?? 0 };
      };
      switch (c.type) {
        case 'maximise':
          dispatch({ type: 'layout', layout: c.view });
          break;
        case 'grid':
          dispatch({ type: 'layout', layout: 'grid' });
          break;
        case 'escape':
          if (s.help) dispatch({ type: 'help', show: false });
          else if (escapeMeasure(measure)) break;
          else if (ed?.busy) ed.cancel();
          else dispatch({ type: 'layout', layout: 'grid' });
          break;
        case 'slice':
          scroll(s.active, c.steps);
          break;
        case 'sliceEnd': {
          const axis = layouts[s.active].axes.normal.axis;
          dispatch({ type: 'slice', axis, index: c.end === 'first' ? 0 : dims[axis] - 1 });
          break;
        }
        case 'activate': {
          const next =
            c.view === 'next'
              ? SLICE_VIEWS[(SLICE_VIEWS.indexOf(s.active) + 1) % SLICE_VIEWS.length]!
              : c.view;
          dispatch({ type: 'active', view: next });
          break;
        }
        case 'zoom': {
          const { w, h } = canvasSize(s.active);
          onZoom(s.active, c.factor, w / 2, h / 2, w, h);
          break;
        }
        case 'pan':
          onPan(s.active, c.dx, c.dy);
          break;
        case 'preset':
          applyPreset(c.name);
          break;
        case 'auto':
          applyPreset('auto');
          break;
        case 'window':
          dispatch({
            type: 'wl',
            wl: { window: Math.max(wlMin, s.wl.window * c.factor), level: s.wl.level },
            source: 'manual',
          });
          break;
        case 'level':
          dispatch({
            type: 'wl',
            wl: { window: s.wl.window, level: s.wl.level + c.fraction * s.wl.window },
            source: 'manual',
          });
          break;
        case 'reset':
          reset();
          break;
        case 'centre':
          dispatch({
            type: 'cursor',
            ijk: [Math.floor(dims[0] / 2), Math.floor(dims[1] / 2), Math.floor(dims[2] / 2)],
          });
          break;
        case 'toggleTool':
          dispatch({ type: 'tool', tool: s.tool === 'crosshair' ? 'windowLevel' : 'crosshair' });
          break;
        case 'toggleCrosshair':
          dispatch({ type: 'crosshair', show: !s.crosshair });
          break;
        case 'toggleRenderMode':
          toggleMode();
          break;
        case 'toggleHelp':
          dispatch({ type: 'help', show: !s.help });
          break;
        case 'measureTool':
        case 'measureDelete':
        case 'undo':
          if (!runMeasureCommand(c, measure)) ed?.undo();
          break;
        default:
          // Picking a labelling tool puts the measurement tool away.
          if (c.type === 'editTool' && measure.tool.tool) measure.props.current?.onTool(null);
          runEditCommand(c, s, editingRef.current, reviewRef.current, dispatch, runOperation);
      }
    },
    [
      applyPreset,
      dims,
      layouts,
      onPan,
      onZoom,
      reset,
      scroll,
      toggleMode,
      wlMin,
      runOperation,
      dispatch,
      stateRef,
      editingRef,
      reviewRef,
      canvases,
      measure,
    ],
  );

  return {
    scroll,
    onZoom,
    onPan,
    onWindowDrag,
    applyPreset,
    reset,
    resetCount,
    toggleMode,
    runOperation,
    run,
  };
}

/** Esc with a measurement tool on: cancel the one being drawn, else put the tool away; false when off. */
function escapeMeasure({ tool, props }: MeasureControl): boolean {
  if (tool.cancel()) return true;
  if (!tool.tool) return false;
  props.current?.onTool(null);
  return true;
}

/**
 * Shift+M / Shift+E (the same again: off), Delete (the selected measurement), and Ctrl+Z while a measurement
 * tool is on (the last measurement added or deleted). False for an undo that is the mask editor's.
 */
function runMeasureCommand(c: MeasureCommand | { type: 'undo' }, { tool, props }: MeasureControl): boolean {
  const m = props.current;
  if (c.type === 'undo') {
    if (!tool.tool) return false;
    m?.onUndo();
  } else if (c.type === 'measureTool') m?.onTool(m.tool === c.tool ? null : c.tool);
  else if (m && m.selectedId !== null) m.onDelete(m.selectedId);
  return true;
}

/** A labelling command (the editor's tools, settings, history), a review key (to the app), or Alt+N. */
function runEditCommand(
  c: ViewerCommand,
  s: ViewerState,
  editing: ViewerEditing | undefined,
  review: ViewerReview | undefined,
  dispatch: Dispatch<ViewerAction>,
  runOperation: (name: OperationName) => void,
): void {
  const ed = editing?.editor;
  if (c.type === 'review') {
    review?.onCommand(c.action);
    return;
  }
  if (c.type === 'nextCase') {
    editing?.onNextCase?.();
    return;
  }
  if (!ed) return;
  const settings = ed.settings;
  switch (c.type) {
    case 'editTool':
      ed.setTool(c.tool);
      if (c.tool !== 'navigate' && s.tool === 'windowLevel') dispatch({ type: 'tool', tool: 'crosshair' });
      break;
    case 'editOperation':
      runOperation(c.name);
      break;
    case 'brushSize':
      ed.stepBrush(c.dir);
      break;
    case 'toggleDimension':
      ed.update({ dimension: settings.dimension === '2d' ? '3d' : '2d' });
      break;
    case 'toggleProtect':
      ed.update({ protect: !settings.protect });
      break;
    case 'cycleLabel': {
      const values = (editing?.labels ?? []).map((l) => l.value);
      if (values.length === 0) break;
      const at = values.indexOf(settings.label);
      ed.update({ label: values[(at + c.dir + values.length) % values.length]! });
      break;
    }
    case 'cycleOverlay': {
      const cur = ed.getSnapshot().overlay;
      ed.setOverlay(cur === 'fill' ? 'outline' : cur === 'outline' ? 'hidden' : 'fill');
      break;
    }
    case 'redo':
      ed.redo();
      break;
    case 'finishPath':
      ed.finishPath();
      break;
  }
}
