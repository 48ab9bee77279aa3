// The image viewer: axial, coronal, sagittal and 3D views of one volume in a 2×2 grid (any one maximisable),
// with a linked crosshair, window/level (drag, presets, auto), zoom/pan, a readout and keyboard shortcuts.
//
// <Viewer meta={VolumeMeta} voxels={VoxelArray} initialView?={ViewState} onViewChange?={(v) => …} />
//
// The voxels are the stored values of the volume (frame 0 is shown), laid out i fastest; they are read in
// place (slices by strided reads, the 3D texture by a subsampled copy) and never modified.
//
// The state lives here (viewerState.ts); what changes it is in useViewerCommands.ts, the tool bar in
// ViewerToolbar.tsx, the end-to-end hook in useViewerTestHook.ts.

import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { Vec3 } from '@core/geometry/affine';
import { spacingOf } from '@core/geometry/affine';
import type { SliceViewName, ViewLayout } from '@core/geometry/display';
import { SLICE_VIEWS, viewLayout, viewPixelToVoxel } from '@core/geometry/display';
import type { MaskLayer } from '@core/labelling/mask-layer';
import { voxelCount } from '@core/volume/types';
import { looksLikeCT } from './defaultWindow';
import { ToolPalette } from './editing/ToolPalette';
import { HelpOverlay } from './HelpOverlay';
import type { KeyHelpRow } from './keyEvents';
import { Readout } from './Readout';
import { readVoxel } from './readout';
import { SliceView } from './SliceView';
import { useViewerCommands } from './useViewerCommands';
import { useViewerKeys } from './useViewerKeys';
import { useMeasureTool } from './measure/useMeasureTool';
import { useViewerTestHook } from './useViewerTestHook';
import type { ViewerProps } from './viewerProps';
import type { LayoutName, ViewName, ViewerState } from './viewerState';
import { clampCursor, initialViewerState, viewerReducer } from './viewerState';
import { ViewerToolbar } from './ViewerToolbar';
import type { VolumeScene } from './volumeScene';
import { VolumeView3D } from './VolumeView3D';
import { useViewChangeReport } from './useViewChangeReport';
import { useVolumeWindow } from './useVolumeWindow';
import { crosshairColours } from './viewColours';
import { buildGreyMap } from './windowLevel';
import './viewer.css';

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

/** Performance mark set when the first slice of a mounted volume has been drawn (concord bench view). */
export const FIRST_SLICE_MARK = 'concord:first-slice';

function ViewerBody({
  meta,
  voxels,
  initialView,
  onViewChange,
  editing,
  review,
  measure,
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

  const { defaults, getAuto, wlPerPixel, wlMin, range } = useVolumeWindow(meta, voxels);

  const [state, dispatch] = useReducer(viewerReducer, undefined, () =>
    initialViewerState(dims, defaults.wl, defaults.source, initialView),
  );
  const [hover, setHover] = useState<{ view: SliceViewName; u: number; v: number } | null>(null);

  const greyMap = useMemo(
    () => buildGreyMap(meta.scalarType, meta.rescale, state.wl),
    [meta.scalarType, meta.rescale, state.wl],
  );

  // Latest state for handlers bound once (native listeners, the test hook, keys).
  const stateRef = useRef<ViewerState>(state);
  useEffect(() => {
    stateRef.current = state;
  });
  const canvases = useRef<Partial<Record<SliceViewName, HTMLCanvasElement>>>({});
  const measureControl = useMeasureTool(dims, affine, measure, dispatch);
  const measureTool = measureControl.tool;
  const sliceEditor = measure?.tool ? measureTool : editor; // a measurement tool on: the left button draws it

  const commands = useViewerCommands({
    dispatch,
    stateRef,
    layouts,
    dims,
    wlPerPixel,
    wlMin,
    getAuto,
    defaults,
    editingRef,
    reviewRef,
    canvases,
    measure: measureControl,
  });
  const { scroll, onZoom, onPan, onWindowDrag, applyPreset, reset, toggleMode, runOperation, run } = commands;
  useViewerKeys(run);
  useViewerTestHook({
    volumeId: meta.id,
    dims,
    affine,
    rescale: meta.rescale,
    voxels,
    layouts,
    dispatch,
    stateRef,
    editingRef,
    overlaysRef,
    canvases,
    sceneRef,
  });

  // ---- intents from the views that only point: canvas, hover, crosshair, active view, maximise ----
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
  const firstDrawn = useRef(false);
  const onDrawn = useCallback(() => {
    if (firstDrawn.current) return;
    firstDrawn.current = true;
    performance.mark(FIRST_SLICE_MARK);
  }, []);
  const onActivate = useCallback((view: SliceViewName) => dispatch({ type: 'active', view }), []);
  const onToggleMaximise = useCallback((view: ViewName) => dispatch({ type: 'toggleMaximise', view }), []);
  const toggle3d = useCallback(() => onToggleMaximise('3d'), [onToggleMaximise]);

  // ---- review: region navigation moves the crosshair (every view follows) ----
  const focus = review?.focus ?? null;
  useEffect(() => {
    if (focus) dispatch({ type: 'cursor', ijk: clampCursor(focus.ijk, dims) });
    // One move per new seq: the same focus object re-rendered does not move the crosshair back.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus?.seq]);

  useViewChangeReport(state, stateRef, meta.id, meta.caseId, onViewChange);

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
  const lineColours = useMemo(() => crosshairColours(layouts), [layouts]);

  const layout: LayoutName = state.layout;
  const shown = (v: ViewName): boolean => layout === 'grid' || layout === v;

  return (
    <div className="cv-viewer" data-testid="viewer" data-layout={layout} data-volume-id={meta.id}>
      <ViewerToolbar
        name={meta.name}
        dims={dims}
        modality={meta.modality}
        wl={state.wl}
        wlSource={state.wlSource}
        tool={state.tool}
        onPreset={applyPreset}
        onToggleTool={() => run({ type: 'toggleTool' })}
        onReset={reset}
        onToggleHelp={() => run({ type: 'toggleHelp' })}
      />
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
            editor={sliceEditor}
            measure={measureTool}
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
          resetCount={commands.resetCount}
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
