// The image viewer: axial, coronal, sagittal and 3D views of one volume in a 2×2 grid (any one maximisable),
// with a linked crosshair, window/level (drag, presets, auto), zoom/pan, a readout and keyboard shortcuts.
//
// <Viewer meta={VolumeMeta} voxels={VoxelArray} initialView?={ViewState} onViewChange?={(v) => …} />
//
// The voxels are the stored values of the volume (frame 0 is shown), laid out i fastest; they are read in
// place (slices by strided reads, the 3D texture by a subsampled copy) and never modified.

import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { Vec3 } from '../../../src-main/core/geometry/affine';
import { spacingOf, transformPoint } from '../../../src-main/core/geometry/affine';
import type { SliceViewName, ViewLayout } from '../../../src-main/core/geometry/display';
import {
  SLICE_VIEWS,
  viewLayout,
  viewPixelToVoxel,
  voxelToViewPixel,
} from '../../../src-main/core/geometry/display';
import type { VoxelArray } from '../../../src-main/core/volume/types';
import { voxelCount } from '../../../src-main/core/volume/types';
import type { ViewState, VolumeMeta } from '../../../src-preload/contract';
import { autoWindow } from './autoWindow';
import type { MaskEditor } from '../../../src-main/core/labelling/mask-editor';
import type { MaskLayer } from '../../../src-main/core/labelling/mask-layer';
import type { PaletteLabel } from './editing/ToolPalette';
import { ToolPalette } from './editing/ToolPalette';
import type { OperationName } from '../../../src-main/core/labelling/tool-settings';
import { defaultWindow, looksLikeCT } from './defaultWindow';
import { HelpOverlay } from './HelpOverlay';
import type { ViewerCommand } from './keyBindings';
import type { KeyHelpRow } from './keyEvents';
import type { ReviewAction } from './reviewKeys';
import type { ReviewFocus } from './reviewFocus';
import { Readout } from './Readout';
import { physicalValue, readVoxel, formatValue } from './readout';
import { SliceView, VIEW_COLOURS } from './SliceView';
import type { ConcordViewerHook } from './testHook';
import { installViewerHook } from './testHook';
import { useViewerKeys } from './useViewerKeys';
import type { LayoutName, ViewName, ViewerState } from './viewerState';
import { clampCursor, initialViewerState, toViewState, viewerReducer } from './viewerState';
import { pixelCentre, screenToPixel, screenTransform, zoomAt } from './viewTransform';
import type { VolumeScene } from './volumeScene';
import { VolumeView3D } from './VolumeView3D';
import type { PresetName, WindowLevel } from './windowLevel';
import {
  PRESETS,
  buildGreyMap,
  dragSensitivity,
  dragWindowLevel,
  minimumWindow,
  presetByName,
} from './windowLevel';
import './viewer.css';

export interface ViewerProps {
  meta: VolumeMeta;
  /** Stored voxel values, typed per meta.scalarType, i fastest; at least dims[0]*dims[1]*dims[2] long. */
  voxels: VoxelArray;
  /** Saved window/level, cursor (voxel indices) and layout to start from. */
  initialView?: ViewState;
  /** Called (debounced, 150 ms) when the cursor, window/level or layout change. */
  onViewChange?: (v: ViewState) => void;
  /** Label maps over the views and the labelling tools (editing/); absent: a plain viewer. */
  editing?: ViewerEditing;
  /** Review (consensus): the agreement overlay, its 3D surfaces, region navigation; absent: none. */
  review?: ViewerReview;
  /** Shortcuts of the app around the viewer (handled by the app), listed first in the `?` help. */
  appKeyHelp?: readonly KeyHelpRow[];
}

export interface ViewerReview {
  /** Drawn over every slice view above the label maps (a MaskLayer of bytes with its colour table), or null. */
  overlay: MaskLayer | null;
  /** Label map whose surfaces the 3D view adds (the overlay's classes), or null. */
  surface: MaskLayer | null;
  focus: ReviewFocus | null;
  /** Z, braces, Alt+PgUp/PgDn (reviewKeys.ts). */
  onCommand(action: ReviewAction): void;
}

export interface ViewerEditing {
  /** The tools on the signed-in annotator's own mask, or null when nothing here is editable. */
  editor: MaskEditor | null;
  /** Label maps drawn over every slice view, in order (the editable one last, on top). */
  overlays: readonly MaskLayer[];
  /** The label map whose surface the 3D view shows (the editable one), or null. */
  surface: MaskLayer | null;
  /** The project's labels, in the order the label keys cycle through them. */
  labels: readonly PaletteLabel[];
  /** Alt+N: open the next case of the worklist. */
  onNextCase?(): void;
}

const NO_LAYERS: readonly MaskLayer[] = [];
const NO_KEYS: readonly KeyHelpRow[] = [];

/** Mounts a fresh viewer per volume, so no state leaks from one volume to the next. */
export function Viewer(props: ViewerProps) {
  const { meta, voxels } = props;
  if (voxels.length < voxelCount(meta.dims)) {
    return (
      <div className="cv-viewer cv-viewer-error" data-testid="viewer-error">
        Cannot show {meta.name}: {voxels.length} voxels received, {voxelCount(meta.dims)} expected.
      </div>
    );
  }
  return <ViewerBody key={`${meta.id}:${meta.checksum}`} {...props} />;
}

const VIEW_CHANGE_DEBOUNCE_MS = 150;
/** Performance mark set when the first slice of a mounted volume has been drawn (concord bench view). */
export const FIRST_SLICE_MARK = 'concord:first-slice';
const INTEGER_TYPES = new Set(['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32']);

function ViewerBody({
  meta,
  voxels,
  initialView,
  onViewChange,
  editing,
  review,
  appKeyHelp = NO_KEYS,
}: ViewerProps) {
  const editor = editing?.editor ?? null;
  const editingLayers = editing?.overlays ?? NO_LAYERS;
  const reviewOverlay = review?.overlay ?? null;
  // The agreement overlay goes on top of every label map.
  const overlays = useMemo(
    () => (reviewOverlay ? [...editingLayers, reviewOverlay] : editingLayers),
    [editingLayers, reviewOverlay],
  );
  const overlaysRef = useRef(overlays);
  const editingRef = useRef(editing);
  const reviewRef = useRef(review);
  useEffect(() => {
    editingRef.current = editing;
    reviewRef.current = review;
    overlaysRef.current = overlays;
  });
  const sceneRef = useRef<VolumeScene | null>(null);
  const onScene = useCallback((scene: VolumeScene | null) => {
    sceneRef.current = scene;
  }, []);
  const dims = meta.dims;
  const affine = meta.affineLPS;
  const layouts = useMemo(() => {
    const spacing = spacingOf(affine);
    const out = {} as Record<SliceViewName, ViewLayout>;
    for (const v of SLICE_VIEWS) out[v] = viewLayout(dims, spacing, affine, v);
    return out;
  }, [dims, affine]);

  // The volume's default window; "auto" is computed once, on first need (a sampled pass of a few ms).
  const autoRef = useRef<WindowLevel | null>(null);
  const getAuto = useCallback((): WindowLevel => {
    autoRef.current ??= autoWindow(voxels, voxelCount(dims), meta.rescale);
    return autoRef.current;
  }, [voxels, dims, meta.rescale]);
  const [defaults] = useState(() => defaultWindow(meta, voxels));

  const [state, dispatch] = useReducer(viewerReducer, undefined, () =>
    initialViewerState(dims, defaults.wl, defaults.source, initialView),
  );
  const [hover, setHover] = useState<{ view: SliceViewName; u: number; v: number } | null>(null);
  const [resetCount, setResetCount] = useState(0);

  const greyMap = useMemo(
    () => buildGreyMap(meta.scalarType, meta.rescale, state.wl),
    [meta.scalarType, meta.rescale, state.wl],
  );
  const integerData =
    INTEGER_TYPES.has(meta.scalarType) &&
    Number.isInteger(meta.rescale.slope) &&
    Number.isInteger(meta.rescale.intercept);
  const wlPerPixel = dragSensitivity(meta.stats.min, meta.stats.max, integerData);
  const wlMin = minimumWindow(meta.stats.min, meta.stats.max, meta.rescale.slope, integerData);
  const range = useMemo<[number, number]>(
    () => [meta.stats.min, meta.stats.max],
    [meta.stats.min, meta.stats.max],
  );

  // Latest state for handlers bound once (native listeners, the test hook, keys).
  const stateRef = useRef<ViewerState>(state);
  useEffect(() => {
    stateRef.current = state;
  });
  const canvases = useRef<Partial<Record<SliceViewName, HTMLCanvasElement>>>({});

  // ---- intents from the views ----
  const onCanvas = useCallback((view: SliceViewName, el: HTMLCanvasElement | null) => {
    canvases.current[view] = el ?? undefined;
  }, []);
  const onHover = useCallback((view: SliceViewName, px: { u: number; v: number } | null) => {
    setHover((h) => {
      if (!px) return h && h.view === view ? null : h;
      return h && h.view === view && h.u === px.u && h.v === px.v ? h : { view, u: px.u, v: px.v };
    });
  }, []);
  const onCursor = useCallback((ijk: Vec3) => dispatch({ type: 'cursor', ijk }), []);
  const scroll = useCallback(
    (view: SliceViewName, steps: number) => {
      const l = layouts[view];
      dispatch({ type: 'step', axis: l.axes.normal.axis, delta: steps * l.upStep });
    },
    [layouts],
  );
  const onZoom = useCallback(
    (view: SliceViewName, factor: number, x: number, y: number, w: number, h: number) => {
      const cam = stateRef.current.cameras[view];
      dispatch({ type: 'camera', view, camera: zoomAt(layouts[view], w, h, cam, factor, x, y) });
    },
    [layouts],
  );
  const onPan = useCallback((view: SliceViewName, dx: number, dy: number) => {
    const cam = stateRef.current.cameras[view];
    dispatch({ type: 'camera', view, camera: { ...cam, panX: cam.panX + dx, panY: cam.panY + dy } });
  }, []);
  const wlStart = useRef<WindowLevel>(state.wl);
  const onWindowDrag = useCallback(
    (phase: 'start' | 'move', dx: number, dy: number) => {
      if (phase === 'start') {
        wlStart.current = stateRef.current.wl;
        return;
      }
      dispatch({
        type: 'wl',
        wl: dragWindowLevel(wlStart.current, dx, dy, wlPerPixel, wlMin),
        source: 'manual',
      });
    },
    [wlPerPixel, wlMin],
  );
  const firstDrawn = useRef(false);
  const onDrawn = useCallback(() => {
    if (firstDrawn.current) return;
    firstDrawn.current = true;
    performance.mark(FIRST_SLICE_MARK);
  }, []);
  const onActivate = useCallback((view: SliceViewName) => dispatch({ type: 'active', view }), []);
  const onToggleMaximise = useCallback((view: ViewName) => dispatch({ type: 'toggleMaximise', view }), []);
  const toggle3d = useCallback(() => onToggleMaximise('3d'), [onToggleMaximise]);
  const toggleMode = useCallback(() => {
    dispatch({ type: 'renderMode', mode: stateRef.current.renderMode === 'vr' ? 'mip' : 'vr' });
  }, []);

  const applyPreset = useCallback(
    (name: PresetName | 'auto') => {
      if (name === 'auto') dispatch({ type: 'wl', wl: getAuto(), source: 'auto' });
      else {
        const p = presetByName(name);
        dispatch({ type: 'wl', wl: { window: p.window, level: p.level }, source: name });
      }
    },
    [getAuto],
  );
  const reset = useCallback(() => {
    dispatch({ type: 'reset', wl: defaults.wl, source: defaults.source });
    setResetCount((n) => n + 1);
  }, [defaults]);

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
    [layouts],
  );
  const runEdit = useCallback(
    (c: ViewerCommand, s: ViewerState) => {
      const ed = editingRef.current?.editor;
      if (c.type === 'review') {
        reviewRef.current?.onCommand(c.action);
        return;
      }
      if (c.type === 'nextCase') {
        editingRef.current?.onNextCase?.();
        return;
      }
      if (!ed) return;
      const settings = ed.settings;
      switch (c.type) {
        case 'editTool':
          ed.setTool(c.tool);
          if (c.tool !== 'navigate' && s.tool === 'windowLevel')
            dispatch({ type: 'tool', tool: 'crosshair' });
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
          const values = (editingRef.current?.labels ?? []).map((l) => l.value);
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
        case 'undo':
          ed.undo();
          break;
        case 'redo':
          ed.redo();
          break;
        case 'finishPath':
          ed.finishPath();
          break;
      }
    },
    [runOperation],
  );

  // ---- keyboard ----
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
        default:
          runEdit(c, s);
      }
    },
    [applyPreset, dims, layouts, onPan, onZoom, reset, scroll, toggleMode, wlMin, runEdit],
  );
  useViewerKeys(run);

  // ---- review: region navigation moves the crosshair (every view follows) ----
  const focus = review?.focus ?? null;
  useEffect(() => {
    if (focus) dispatch({ type: 'cursor', ijk: clampCursor(focus.ijk, dims) });
    // One move per new seq: the same focus object re-rendered does not move the crosshair back.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus?.seq]);

  // ---- persistence (debounced), skipping the unchanged initial state ----
  const onViewChangeRef = useRef(onViewChange);
  useEffect(() => {
    onViewChangeRef.current = onViewChange;
  });
  const firstView = useRef(true);
  useEffect(() => {
    if (firstView.current) {
      firstView.current = false;
      return;
    }
    const t = setTimeout(() => {
      onViewChangeRef.current?.(toViewState(stateRef.current, meta.id, meta.caseId));
    }, VIEW_CHANGE_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [state.cursor, state.wl, state.layout, meta.id, meta.caseId]);

  // ---- test hook ----
  useEffect(() => {
    const transformOf = (view: SliceViewName) => {
      const el = canvases.current[view];
      if (!el) return null;
      const r = el.getBoundingClientRect();
      if (r.width <= 0 || r.height <= 0) return null;
      return { r, t: screenTransform(layouts[view], r.width, r.height, stateRef.current.cameras[view]) };
    };
    const hook: ConcordViewerHook = {
      version: 1,
      volumeId: meta.id,
      dims: [...dims],
      getState: () => {
        const s = stateRef.current;
        const slices = {} as Record<SliceViewName, number>;
        for (const v of SLICE_VIEWS) slices[v] = s.cursor[layouts[v].axes.normal.axis];
        return {
          cursor: [...s.cursor],
          window: s.wl.window,
          level: s.wl.level,
          layout: s.layout,
          active: s.active,
          slices,
          cameras: { ...s.cameras },
        };
      },
      layoutOf: (view) => {
        const l = layouts[view];
        return { axes: l.axes, width: l.width, height: l.height, depth: l.depth, labels: l.labels };
      },
      setCursor: (ijk) => dispatch({ type: 'cursor', ijk: clampCursor(ijk, dims) }),
      setLayout: (layout) => dispatch({ type: 'layout', layout }),
      voxelAt: (view, clientX, clientY) => {
        const m = transformOf(view);
        if (!m) return null;
        const px = screenToPixel(m.t, clientX - m.r.left, clientY - m.r.top);
        if (!px) return null;
        const slice = stateRef.current.cursor[layouts[view].axes.normal.axis];
        return viewPixelToVoxel(dims, layouts[view].axes, { ...px, slice });
      },
      clientPointFor: (view, i, j, k) => {
        const m = transformOf(view);
        if (!m) return null;
        const ijk: Vec3 = [i, j, k];
        const px = voxelToViewPixel(dims, layouts[view].axes, ijk);
        const c = pixelCentre(m.t, px.u, px.v);
        const slice = stateRef.current.cursor[layouts[view].axes.normal.axis];
        return {
          x: m.r.left + c.x,
          y: m.r.top + c.y,
          onSlice: px.slice === slice,
          visible: c.x >= 0 && c.y >= 0 && c.x < m.r.width && c.y < m.r.height,
        };
      },
      valueAt: (i, j, k) => physicalValue(voxels, dims, meta.rescale, [i, j, k]),
      labelAt: (i, j, k) => {
        const layer = editingRef.current?.editor?.layer;
        return layer ? layer.mask[i + j * dims[0] + k * dims[0] * dims[1]]! : null;
      },
      overlayLabelAt: (id, i, j, k) => {
        const layer = overlaysRef.current.find((l) => l.id === id);
        return layer ? layer.mask[i + j * dims[0] + k * dims[0] * dims[1]]! : null;
      },
      overlayIds: () => overlaysRef.current.map((l) => l.id),
      camera3d: () => sceneRef.current?.camera() ?? null,
      editorTool: () => editingRef.current?.editor?.settings.tool ?? null,
      worldAt: (i, j, k) => transformPoint(affine, [i, j, k]),
      settled: () =>
        new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
    };
    return installViewerHook(hook);
  }, [meta.id, meta.rescale, dims, affine, layouts, voxels]);

  // ---- derived display ----
  const hoverIjk = useMemo<Vec3 | null>(() => {
    if (!hover) return null;
    const l = layouts[hover.view];
    return viewPixelToVoxel(dims, l.axes, {
      u: hover.u,
      v: hover.v,
      slice: state.cursor[l.axes.normal.axis],
    });
  }, [hover, layouts, dims, state.cursor]);
  const readout = readVoxel(voxels, dims, meta.rescale, affine, hoverIjk ?? state.cursor);
  const unit = looksLikeCT(meta) ? 'HU' : '';
  // Each crosshair line is the plane of the view whose through-plane axis it holds constant.
  const lineColours = useMemo(() => {
    const colourOfAxis = (axis: number): string => {
      const v = SLICE_VIEWS.find((w) => layouts[w].axes.normal.axis === axis);
      return v ? VIEW_COLOURS[v] : '#cccccc';
    };
    const out = {} as Record<SliceViewName, { vertical: string; horizontal: string }>;
    for (const v of SLICE_VIEWS) {
      out[v] = {
        vertical: colourOfAxis(layouts[v].axes.right.axis),
        horizontal: colourOfAxis(layouts[v].axes.down.axis),
      };
    }
    return out;
  }, [layouts]);

  const layout: LayoutName = state.layout;
  const shown = (v: ViewName): boolean => layout === 'grid' || layout === v;

  return (
    <div className="cv-viewer" data-testid="viewer" data-layout={layout} data-volume-id={meta.id}>
      <div className="cv-toolbar" role="toolbar" aria-label="Viewer tools">
        <span className="cv-volume-name" title={meta.name}>
          {meta.name}
        </span>
        <span className="cv-dim">
          {dims.join('×')} {meta.modality ?? ''}
        </span>
        <span className="cv-spacer" />
        <div className="cv-presets" role="group" aria-label="Window presets">
          {PRESETS.map((p) => (
            <button
              key={p.name}
              type="button"
              data-testid={`preset-${p.name}`}
              className={`cv-text-button${state.wlSource === p.name ? ' cv-on' : ''}`}
              title={`${p.label}: W${p.window} / L${p.level} (${p.key.toUpperCase()})`}
              onClick={() => applyPreset(p.name)}
            >
              {p.label}
            </button>
          ))}
          <button
            type="button"
            data-testid="preset-auto"
            className={`cv-text-button${state.wlSource === 'auto' ? ' cv-on' : ''}`}
            title="Auto: 1st–99th percentile (A)"
            onClick={() => applyPreset('auto')}
          >
            Auto
          </button>
        </div>
        <span
          className="cv-wl"
          data-testid="wl-display"
          data-window={state.wl.window}
          data-level={state.wl.level}
          data-source={state.wlSource}
        >
          W {formatValue(state.wl.window)} L {formatValue(state.wl.level)}
        </span>
        <button
          type="button"
          data-testid="tool-wl"
          aria-pressed={state.tool === 'windowLevel'}
          className={`cv-text-button${state.tool === 'windowLevel' ? ' cv-on' : ''}`}
          title="Left drag sets window/level instead of the crosshair (W)"
          onClick={() => run({ type: 'toggleTool' })}
        >
          W/L tool
        </button>
        <button
          type="button"
          data-testid="view-reset"
          className="cv-text-button"
          title="Reset zoom, pan, 3D camera and window (R)"
          onClick={reset}
        >
          Reset
        </button>
        <button
          type="button"
          data-testid="help-button"
          className="cv-icon-button"
          title="Shortcuts (?)"
          aria-label="Show shortcuts"
          onClick={() => run({ type: 'toggleHelp' })}
        >
          ?
        </button>
      </div>
      {editor && <ToolPalette editor={editor} labels={editing?.labels ?? []} onOperation={runOperation} />}
      <div className={`cv-grid${layout === 'grid' ? '' : ' cv-grid-single'}`}>
        {SLICE_VIEWS.map((v) => (
          <SliceView
            key={v}
            view={v}
            layout={layouts[v]}
            verticalColour={lineColours[v].vertical}
            horizontalColour={lineColours[v].horizontal}
            voxels={voxels}
            dims={dims}
            greyMap={greyMap}
            cursor={state.cursor}
            camera={state.cameras[v]}
            tool={state.tool}
            crosshair={state.crosshair}
            active={state.active === v}
            maximised={layout === v}
            hidden={!shown(v)}
            onCanvas={onCanvas}
            onHover={onHover}
            onCursor={onCursor}
            onScroll={scroll}
            onZoom={onZoom}
            onPan={onPan}
            onWindowDrag={onWindowDrag}
            onActivate={onActivate}
            onToggleMaximise={onToggleMaximise}
            onDrawn={onDrawn}
            overlays={overlays}
            editor={editor}
          />
        ))}
        <VolumeView3D
          voxels={voxels}
          scalarType={meta.scalarType}
          dims={dims}
          affineLPS={affine}
          rescale={meta.rescale}
          range={range}
          wl={state.wl}
          mode={state.renderMode}
          cursor={state.cursor}
          crosshair={state.crosshair}
          resetCount={resetCount}
          maximised={layout === '3d'}
          hidden={!shown('3d')}
          onToggleMaximise={toggle3d}
          onToggleMode={toggleMode}
          surface={editing?.surface ?? null}
          extraSurface={review?.surface ?? null}
          focus={review?.focus ?? null}
          onScene={onScene}
        />
      </div>
      <Readout r={readout} source={hoverIjk ? 'hover' : 'cursor'} unit={unit} />
      {state.help && (
        <HelpOverlay appKeys={appKeyHelp} onClose={() => dispatch({ type: 'help', show: false })} />
      )}
    </div>
  );
}
