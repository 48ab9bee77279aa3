// The viewer's state and its reducer: one 3D cursor shared by every view (voxel index space), one
// window/level, a 2D camera per slice view, the layout (2×2 grid or one view maximised), the active view,
// the left-button tool and the help overlay. Pure: no DOM, tested in Node.

import type { Vec3 } from '@core/geometry/affine';
import type { SliceViewName } from '@core/geometry/display';
import type { ViewState } from '@contract';
import type { RenderMode } from './transferFunction';
import type { PresetName, WindowLevel } from './windowLevel';
import type { ViewCamera } from './viewTransform';
import { DEFAULT_CAMERA } from './viewTransform';

export type ViewName = SliceViewName | '3d';
export const VIEW_NAMES: readonly ViewName[] = ['axial', 'coronal', 'sagittal', '3d'];
/** 'grid' = 2×2; otherwise the name of the maximised view. Stored as ViewState.layout. */
export type LayoutName = 'grid' | ViewName;
export type Tool = 'crosshair' | 'windowLevel';
/** Where the current window/level came from (shown next to it; 'manual' after a drag). */
export type WindowSource = PresetName | 'auto' | 'manual' | 'saved';

export interface ViewerState {
  dims: Vec3;
  /** Crosshair, integer voxel indices (i, j, k), each within 0..dims−1. */
  cursor: Vec3;
  wl: WindowLevel;
  wlSource: WindowSource;
  cameras: Record<SliceViewName, ViewCamera>;
  layout: LayoutName;
  /** View that keyboard slice scrolling and zoom apply to (last hovered or clicked). */
  active: SliceViewName;
  tool: Tool;
  help: boolean;
  /** Crosshair lines drawn in the slice views and the 3D view. */
  crosshair: boolean;
  renderMode: RenderMode;
}

export type ViewerAction =
  | { type: 'cursor'; ijk: Vec3 }
  /** Move the cursor by `delta` voxels along voxel axis `axis` (slice scrolling). */
  | { type: 'step'; axis: 0 | 1 | 2; delta: number }
  /** Put the cursor on index `index` of voxel axis `axis` (Home / End). */
  | { type: 'slice'; axis: 0 | 1 | 2; index: number }
  | { type: 'wl'; wl: WindowLevel; source: WindowSource }
  | { type: 'camera'; view: SliceViewName; camera: ViewCamera }
  | { type: 'layout'; layout: LayoutName }
  | { type: 'toggleMaximise'; view: ViewName }
  | { type: 'active'; view: SliceViewName }
  | { type: 'tool'; tool: Tool }
  | { type: 'help'; show: boolean }
  | { type: 'crosshair'; show: boolean }
  | { type: 'renderMode'; mode: RenderMode }
  /** Reset view: cameras back to fit, window/level back to the volume's default. */
  | { type: 'reset'; wl: WindowLevel; source: WindowSource };

const LAYOUTS: readonly string[] = ['grid', ...VIEW_NAMES];

export function isLayoutName(s: unknown): s is LayoutName {
  return typeof s === 'string' && LAYOUTS.includes(s);
}

function clampIndex(x: number, n: number): number {
  if (!Number.isFinite(x)) return Math.floor((n - 1) / 2);
  return Math.min(n - 1, Math.max(0, Math.round(x)));
}

export function clampCursor(ijk: Vec3, dims: Vec3): Vec3 {
  return [clampIndex(ijk[0], dims[0]), clampIndex(ijk[1], dims[1]), clampIndex(ijk[2], dims[2])];
}

function freshCameras(): Record<SliceViewName, ViewCamera> {
  return { axial: { ...DEFAULT_CAMERA }, coronal: { ...DEFAULT_CAMERA }, sagittal: { ...DEFAULT_CAMERA } };
}

/** First state: the saved view where valid, else the centre voxel and the volume's default window. */
export function initialViewerState(
  dims: Vec3,
  defaultWl: WindowLevel,
  defaultSource: WindowSource,
  saved?: ViewState,
): ViewerState {
  const centre: Vec3 = [Math.floor(dims[0] / 2), Math.floor(dims[1] / 2), Math.floor(dims[2] / 2)];
  const savedCursor = saved?.cursor;
  const cursor = savedCursor && savedCursor.length === 3 ? clampCursor(savedCursor, dims) : centre;
  const w = saved?.window;
  const l = saved?.level;
  const hasWl =
    typeof w === 'number' && w > 0 && Number.isFinite(w) && typeof l === 'number' && Number.isFinite(l);
  return {
    dims,
    cursor,
    wl: hasWl ? { window: w, level: l } : defaultWl,
    wlSource: hasWl ? 'saved' : defaultSource,
    cameras: freshCameras(),
    layout: isLayoutName(saved?.layout) ? saved.layout : 'grid',
    active: 'axial',
    tool: 'crosshair',
    help: false,
    crosshair: true,
    renderMode: 'vr',
  };
}

export function viewerReducer(s: ViewerState, a: ViewerAction): ViewerState {
  switch (a.type) {
    case 'cursor': {
      const c = clampCursor(a.ijk, s.dims);
      return c[0] === s.cursor[0] && c[1] === s.cursor[1] && c[2] === s.cursor[2] ? s : { ...s, cursor: c };
    }
    case 'step': {
      const c: Vec3 = [...s.cursor];
      c[a.axis] = clampIndex(c[a.axis] + a.delta, s.dims[a.axis]);
      return c[a.axis] === s.cursor[a.axis] ? s : { ...s, cursor: c };
    }
    case 'slice': {
      const c: Vec3 = [...s.cursor];
      c[a.axis] = clampIndex(a.index, s.dims[a.axis]);
      return c[a.axis] === s.cursor[a.axis] ? s : { ...s, cursor: c };
    }
    case 'wl':
      if (!(a.wl.window > 0) || !Number.isFinite(a.wl.level)) return s;
      return { ...s, wl: a.wl, wlSource: a.source };
    case 'camera':
      return { ...s, cameras: { ...s.cameras, [a.view]: a.camera } };
    case 'layout':
      return s.layout === a.layout ? s : { ...s, layout: a.layout };
    case 'toggleMaximise':
      return { ...s, layout: s.layout === a.view ? 'grid' : a.view };
    case 'active':
      return s.active === a.view ? s : { ...s, active: a.view };
    case 'tool':
      return s.tool === a.tool ? s : { ...s, tool: a.tool };
    case 'help':
      return s.help === a.show ? s : { ...s, help: a.show };
    case 'crosshair':
      return s.crosshair === a.show ? s : { ...s, crosshair: a.show };
    case 'renderMode':
      return s.renderMode === a.mode ? s : { ...s, renderMode: a.mode };
    case 'reset':
      return { ...s, cameras: freshCameras(), wl: a.wl, wlSource: a.source };
  }
}

/** The part of the state the app shell persists (ViewState), with the volume it belongs to. */
export function toViewState(s: ViewerState, volumeId: number, caseId: number): ViewState {
  return {
    volumeId,
    caseId,
    window: s.wl.window,
    level: s.wl.level,
    cursor: [...s.cursor],
    layout: s.layout,
  };
}
