// window.__concordViewer: a small, stable hook for end-to-end tests (and for debugging in the console) that
// exposes the viewer's exact screen <-> voxel mapping, so a test can put the mouse on a known voxel and
// compare the readout with the voxel's value. Installed by the mounted Viewer, removed on unmount.
// Semantics are documented in README.md next to this file.

import type { Vec3 } from '@core/geometry/affine';
import type { EdgeLabels, SliceViewName, ViewAxes } from '@core/geometry/display';
import type { LayoutName, ViewName } from './viewerState';
import type { ViewCamera } from './viewTransform';

export interface ViewerHookState {
  /** Crosshair voxel (i, j, k). */
  cursor: Vec3;
  window: number;
  level: number;
  layout: LayoutName;
  active: SliceViewName;
  /** Displayed slice (voxel index along the view's through-plane axis) per view. */
  slices: Record<SliceViewName, number>;
  cameras: Record<SliceViewName, ViewCamera>;
}

export interface ViewerHookLayout {
  axes: ViewAxes;
  /** Image columns / rows of the view, and slices through it. */
  width: number;
  height: number;
  depth: number;
  labels: EdgeLabels;
}

export interface ClientPoint {
  /** Client (viewport) CSS coordinates of the voxel centre, as page.mouse.move takes them. */
  x: number;
  y: number;
  /** The voxel lies on the slice the view shows now (else the point is where its column/row would be). */
  onSlice: boolean;
  /** The point is inside the view's canvas (not zoomed or panned out of sight). */
  visible: boolean;
}

export interface ConcordViewerHook {
  readonly version: 1;
  readonly volumeId: number;
  readonly dims: Vec3;
  getState(): ViewerHookState;
  layoutOf(view: SliceViewName): ViewerHookLayout;
  /** Moves the crosshair (and so every view's slice) to voxel (i, j, k), clamped to the volume. */
  setCursor(ijk: Vec3): void;
  setLayout(layout: LayoutName | ViewName): void;
  /** Voxel under a client point of a slice view, on its current slice; null outside the image. */
  voxelAt(view: SliceViewName, clientX: number, clientY: number): Vec3 | null;
  /** Client point of the centre of voxel (i, j, k) in a slice view; null if the view is not shown. */
  clientPointFor(view: SliceViewName, i: number, j: number, k: number): ClientPoint | null;
  /** Physical value (stored * slope + intercept) of voxel (i, j, k). */
  valueAt(i: number, j: number, k: number): number;
  /** Label of voxel (i, j, k) in the signed-in annotator's editable mask; null when there is none. */
  labelAt(i: number, j: number, k: number): number | null;
  /** Label of voxel (i, j, k) in the overlay with this id (see overlayIds); null when not shown. */
  overlayLabelAt(id: string, i: number, j: number, k: number): number | null;
  /** Ids of the label maps drawn over the views, in drawing order. */
  overlayIds(): string[];
  /** The active labelling tool, or null without an editor. */
  editorTool(): string | null;
  /** The 3D camera (LPS mm), or null before the 3D view is ready / without WebGL2. */
  camera3d(): { focalPoint: Vec3; position: Vec3 } | null;
  /** Frames the 3D view has rendered since it was built, or null before it is ready / without WebGL2. */
  renders3d(): number | null;
  /** LPS mm of the centre of voxel (i, j, k). */
  worldAt(i: number, j: number, k: number): Vec3;
  /** Resolves after the next two animation frames (state changes have been drawn). */
  settled(): Promise<void>;
}

declare global {
  interface Window {
    __concordViewer?: ConcordViewerHook;
  }
}

/** Installs the hook; the returned function removes it if it is still this one. */
export function installViewerHook(hook: ConcordViewerHook): () => void {
  window.__concordViewer = hook;
  return () => {
    if (window.__concordViewer === hook) delete window.__concordViewer;
  };
}
