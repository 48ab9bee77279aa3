// The Viewer's props: the volume, the saved view, and what the app adds over it (the labelling tools, the
// consensus review, its own shortcuts in the help). Apart from Viewer.tsx so that the hooks it is made of
// can name them without importing the component.
import type { MaskEditor } from '@core/labelling/mask-editor';
import type { MaskLayer } from '@core/labelling/mask-layer';
import type { VoxelArray } from '@core/volume/types';
import type { Vec3 } from '@core/geometry/affine';
import type { MeasurementInfo, MeasurementKind, MeasurementShape, ViewState, VolumeMeta } from '@contract';
import type { PaletteLabel } from './editing/ToolPalette';
import type { KeyHelpRow } from './keyEvents';
import type { ReviewFocus } from './reviewFocus';
import type { ReviewAction } from './reviewKeys';

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
  /** Measurements (rulers, ellipses) drawn, kept and listed by the app; absent: no measurement tools. */
  measure?: ViewerMeasure;
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

export interface ViewerMeasure {
  /** The measurement tool on (the left button draws it), or null. */
  tool: MeasurementKind | null;
  /** The kept measurements of this volume the viewer draws on their slices. */
  items: readonly MeasurementInfo[];
  selectedId: number | null;
  /** Each new seq moves the crosshair to ijk (the measurement's slice shows in its view). */
  focus: { seq: number; ijk: Vec3 } | null;
  /** Shift+M / Shift+E and the tool bar: turn a tool on (the same again: off). */
  onTool(tool: MeasurementKind | null): void;
  /** A finished drag: keep it. */
  onDraw(shape: MeasurementShape): void;
  /** A click on a measurement drawn on a slice view (null: a click off every one): select it. */
  onSelect(id: number | null): void;
  /** Delete: the selected measurement. */
  onDelete(id: number): void;
  /** Ctrl+Z while a measurement tool is on: undo the last add or delete. */
  onUndo(): void;
}
