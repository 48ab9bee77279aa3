// Installs window.__concordViewer (testHook.ts) for the mounted viewer: its exact screen <-> voxel mapping,
// its state, values and labels under a voxel, for end-to-end tests. Removed on unmount.
import type { Dispatch, RefObject } from 'react';
import { useEffect } from 'react';
import type { Mat4, Vec3 } from '@core/geometry/affine';
import { transformPoint } from '@core/geometry/affine';
import type { SliceViewName, ViewLayout } from '@core/geometry/display';
import { SLICE_VIEWS, viewPixelToVoxel, voxelToViewPixel } from '@core/geometry/display';
import type { MaskLayer } from '@core/labelling/mask-layer';
import type { Rescale, VoxelArray } from '@core/volume/types';
import { physicalValue } from './readout';
import type { ConcordViewerHook } from './testHook';
import { installViewerHook } from './testHook';
import type { ViewerEditing } from './viewerProps';
import type { ViewerAction, ViewerState } from './viewerState';
import { clampCursor } from './viewerState';
import { pixelCentre, screenToPixel, screenTransform } from './viewTransform';
import type { VolumeScene } from './volumeScene';

export interface ViewerTestHookInputs {
  volumeId: number;
  dims: Vec3;
  affine: Mat4;
  rescale: Rescale;
  voxels: VoxelArray;
  layouts: Record<SliceViewName, ViewLayout>;
  dispatch: Dispatch<ViewerAction>;
  /** The latest state, editing props, drawn overlays, canvases and 3D scene. */
  stateRef: RefObject<ViewerState>;
  editingRef: RefObject<ViewerEditing | undefined>;
  overlaysRef: RefObject<readonly MaskLayer[]>;
  canvases: RefObject<Partial<Record<SliceViewName, HTMLCanvasElement>>>;
  sceneRef: RefObject<VolumeScene | null>;
}

export function useViewerTestHook(o: ViewerTestHookInputs): void {
  const { volumeId, dims, affine, rescale, voxels, layouts } = o;
  const { dispatch, stateRef, editingRef, overlaysRef, canvases, sceneRef } = o;
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
      volumeId,
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
      valueAt: (i, j, k) => physicalValue(voxels, dims, rescale, [i, j, k]),
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
      renders3d: () => sceneRef.current?.renderCount() ?? null,
      editorTool: () => editingRef.current?.editor?.settings.tool ?? null,
      worldAt: (i, j, k) => transformPoint(affine, [i, j, k]),
      settled: () =>
        new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
    };
    return installViewerHook(hook);
  }, [
    volumeId,
    rescale,
    dims,
    affine,
    layouts,
    voxels,
    dispatch,
    stateRef,
    editingRef,
    overlaysRef,
    canvases,
    sceneRef,
  ]);
}
