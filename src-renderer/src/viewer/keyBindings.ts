// The viewer's keyboard shortcuts: one table, read both by the key handler and by the help overlay, so the
// help can never disagree with what the keys do. Keys are KeyboardEvent.key values.

import type { SliceViewName } from '@core/geometry/display';
import type { EditCommand } from './editing/editKeys';
import { editCommandForKey } from './editing/editKeys';
import type { MeasureCommand } from './measure/measureKeys';
import { measureCommandForKey } from './measure/measureKeys';
import type { ReviewCommand } from './reviewKeys';
import { reviewCommandForKey } from './reviewKeys';
import type { KeyEventLike, KeyHelpRow } from './keyEvents';
import type { ViewName } from './viewerState';
import type { PresetName } from './windowLevel';
import { PRESETS } from './windowLevel';

export type ViewerCommand =
  | { type: 'maximise'; view: ViewName }
  | { type: 'grid' }
  /** Escape: close the help if open, else back to the grid. */
  | { type: 'escape' }
  /** Move the active view's slice by `steps` ("up" = toward Superior / Anterior / Left). */
  | { type: 'slice'; steps: number }
  | { type: 'sliceEnd'; end: 'first' | 'last' }
  | { type: 'activate'; view: SliceViewName | 'next' }
  | { type: 'zoom'; factor: number }
  | { type: 'pan'; dx: number; dy: number }
  | { type: 'preset'; name: PresetName }
  | { type: 'auto' }
  /** Window × factor (narrower < 1 < wider). */
  | { type: 'window'; factor: number }
  /** Level + fraction × window. */
  | { type: 'level'; fraction: number }
  | { type: 'reset' }
  | { type: 'centre' }
  | { type: 'toggleTool' }
  | { type: 'toggleCrosshair' }
  | { type: 'toggleRenderMode' }
  | { type: 'toggleHelp' }
  /** Labelling tools (editing/editKeys.ts). */
  | EditCommand
  /** Review: disagreement overlay and regions (reviewKeys.ts). */
  | ReviewCommand
  /** Measurements: ruler, ellipse, delete the selected one (measure/measureKeys.ts). */
  | MeasureCommand;

const PAN_STEP_PX = 40;

/** The command for a key press, or null when the viewer does not use it (then the event is left alone). */
export function commandForKey(e: KeyEventLike): ViewerCommand | null {
  // Shift+M / Shift+E and Delete go to the measurement tools before the labelling keys read E as the eraser.
  const measure = measureCommandForKey(e);
  if (measure) return measure;
  // The labelling keys first: they use only keys this table leaves free (and Ctrl+Z / Ctrl+Y).
  const edit = editCommandForKey(e);
  if (edit) return edit;
  const review = reviewCommandForKey(e);
  if (review) return review;
  if (e.ctrlKey || e.metaKey) return null; // leave the app's and the browser's shortcuts alone
  const k = e.key;
  if (e.altKey) {
    switch (k) {
      case 'ArrowLeft':
        return { type: 'pan', dx: -PAN_STEP_PX, dy: 0 };
      case 'ArrowRight':
        return { type: 'pan', dx: PAN_STEP_PX, dy: 0 };
      case 'ArrowUp':
        return { type: 'pan', dx: 0, dy: -PAN_STEP_PX };
      case 'ArrowDown':
        return { type: 'pan', dx: 0, dy: PAN_STEP_PX };
      default:
        return null;
    }
  }
  const big = e.shiftKey ? 10 : 1;
  switch (k) {
    case '1':
      return { type: 'maximise', view: 'axial' };
    case '2':
      return { type: 'maximise', view: 'coronal' };
    case '3':
      return { type: 'maximise', view: 'sagittal' };
    case '4':
      return { type: 'maximise', view: '3d' };
    case '0':
      return { type: 'grid' };
    case 'Escape':
      return { type: 'escape' };
    case 'ArrowUp':
    case 'PageUp':
      return { type: 'slice', steps: big };
    case 'ArrowDown':
    case 'PageDown':
      return { type: 'slice', steps: -big };
    case 'Home':
      return { type: 'sliceEnd', end: 'first' };
    case 'End':
      return { type: 'sliceEnd', end: 'last' };
    case 'Tab':
      return null;
    case 's':
    case 'S':
      return { type: 'activate', view: 'next' };
    case '+':
    case '=':
      return { type: 'zoom', factor: 1.25 };
    case '-':
    case '_':
      return { type: 'zoom', factor: 0.8 };
    case 'a':
    case 'A':
      return { type: 'auto' };
    case '[':
      return { type: 'window', factor: 0.9 };
    case ']':
      return { type: 'window', factor: 1 / 0.9 };
    case ';':
      return { type: 'level', fraction: -0.05 };
    case "'":
      return { type: 'level', fraction: 0.05 };
    case 'r':
    case 'R':
      return { type: 'reset' };
    case 'c':
    case 'C':
      return { type: 'centre' };
    case 'w':
    case 'W':
      return { type: 'toggleTool' };
    case 'x':
    case 'X':
      return { type: 'toggleCrosshair' };
    case 'p':
    case 'P':
      return { type: 'toggleRenderMode' };
    case '?':
    case 'h':
    case 'H':
      return { type: 'toggleHelp' };
  }
  const preset = PRESETS.find((p) => p.key === k.toLowerCase());
  return preset ? { type: 'preset', name: preset.name } : null;
}

export const KEY_HELP: readonly KeyHelpRow[] = [
  { keys: '1 2 3 4', what: 'Maximise axial, coronal, sagittal, 3D' },
  { keys: '0 / Esc', what: 'Back to the 2×2 grid (Esc also closes this help)' },
  { keys: '↑ / PgUp, ↓ / PgDn', what: 'Next / previous slice in the active view (Shift: 10)' },
  { keys: 'Home / End', what: 'First / last slice (voxel index 0 / n−1)' },
  { keys: 'S', what: 'Make the next slice view active' },
  { keys: '+ / −', what: 'Zoom the active view in / out' },
  { keys: 'Alt + arrows', what: 'Pan the active view' },
  ...PRESETS.map((p) => ({
    keys: p.key.toUpperCase(),
    what: `${p.label} window (W${p.window} / L${p.level})`,
  })),
  { keys: 'A', what: 'Auto window (1st–99th percentile)' },
  { keys: '[ / ]', what: 'Narrower / wider window' },
  { keys: "; / '", what: 'Lower / raise the level' },
  { keys: 'W', what: 'Toggle the window/level tool for the left button' },
  { keys: 'R', what: 'Reset view: zoom, pan, 3D camera and window/level' },
  { keys: 'C', what: 'Move the crosshair to the centre of the volume' },
  { keys: 'X', what: 'Show / hide the crosshair' },
  { keys: 'P', what: '3D: volume rendering / maximum intensity projection' },
  { keys: '? / H', what: 'Show / hide this help' },
];

export const MOUSE_HELP: readonly KeyHelpRow[] = [
  { keys: 'Left click / drag', what: 'Set the crosshair (all views follow)' },
  { keys: 'Wheel', what: 'Scroll slices' },
  { keys: 'Ctrl + wheel', what: 'Zoom about the pointer' },
  { keys: 'Right drag', what: 'Zoom (up = in)' },
  { keys: 'Middle drag / Shift + left drag', what: 'Pan' },
  { keys: 'Ctrl + left drag, or left drag with the W/L tool', what: 'Window (→ wider) / level (↓ darker)' },
  { keys: 'Double-click a title bar', what: 'Maximise / restore that view' },
  { keys: '3D: left drag / wheel / right drag', what: 'Rotate / zoom / zoom' },
];
