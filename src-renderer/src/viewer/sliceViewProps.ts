// The props of one slice view (SliceView.tsx): what it shows, and the intents it hands the Viewer, which
// owns the state. Apart from the component so that its pointer hook can name them.
import type { Vec3 } from '@core/geometry/affine';
import type { SliceViewName, ViewLayout } from '@core/geometry/display';
import type { MaskLayer } from '@core/labelling/mask-layer';
import type { SliceEditor } from '@core/labelling/slice-editor';
import type { VoxelArray } from '@core/volume/types';
import type { MeasureTool } from './measure/measureTool';
import type { Tool } from './viewerState';
import type { ViewCamera } from './viewTransform';
import type { GreyMap } from './windowLevel';

export interface SliceViewProps {
  view: SliceViewName;
  layout: ViewLayout;
  /** Colours of the views whose planes show as the vertical and the horizontal crosshair line. */
  verticalColour: string;
  horizontalColour: string;
  voxels: VoxelArray;
  dims: Vec3;
  greyMap: GreyMap;
  cursor: Vec3;
  camera: ViewCamera;
  tool: Tool;
  crosshair: boolean;
  active: boolean;
  maximised: boolean;
  hidden: boolean;
  onCanvas(view: SliceViewName, el: HTMLCanvasElement | null): void;
  /** Image pixel under the pointer (null when off the image); the viewer adds the current slice. */
  onHover(view: SliceViewName, px: { u: number; v: number } | null): void;
  onCursor(ijk: Vec3): void;
  /** Wheel / drag scrolling: `steps` slices "up" (toward Superior / Anterior / Left), negative for down. */
  onScroll(view: SliceViewName, steps: number): void;
  /** Zoom by `factor` about CSS point (x, y) of the canvas. */
  onZoom(
    view: SliceViewName,
    factor: number,
    x: number,
    y: number,
    cssWidth: number,
    cssHeight: number,
  ): void;
  onPan(view: SliceViewName, dx: number, dy: number): void;
  onWindowDrag(phase: 'start' | 'move', dx: number, dy: number): void;
  onActivate(view: SliceViewName): void;
  onToggleMaximise(view: SliceViewName): void;
  /** After each drawn frame (the viewer marks its first one for benchmarks). */
  onDrawn(view: SliceViewName): void;
  /** Label maps drawn over the image, in order (each filled or outlined per its style). */
  overlays: readonly MaskLayer[];
  /** The labelling tools: while it captures the pointer, the left button is its (Shift/Ctrl keep pan, W/L). */
  editor: SliceEditor | null;
  /** The measurements drawn on the slice shown (and the one being drawn), whatever tool is on. */
  measure: MeasureTool | null;
}
