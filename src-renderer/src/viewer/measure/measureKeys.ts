// Keyboard shortcuts of the measurement tools, read by the viewer's key handler (keyBindings.ts) before the
// labelling keys, and shown in its help. Every plain letter already has a meaning (M is the mediastinum
// window, E the eraser), so the tools take Shift+M and Shift+E: with Shift held, never with Caps Lock
// alone. Delete removes the selected measurement; Esc (the viewer's escape) first cancels one being drawn;
// Ctrl+Z while a measurement tool is on undoes the last measurement added or deleted.
import type { KeyEventLike, KeyHelpRow } from '../keyEvents';
import type { MeasurementKind } from '@contract';

export type MeasureCommand = { type: 'measureTool'; tool: MeasurementKind } | { type: 'measureDelete' };

export function measureCommandForKey(e: KeyEventLike): MeasureCommand | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.shiftKey && (e.key === 'M' || e.key === 'm')) return { type: 'measureTool', tool: 'ruler' };
  if (e.shiftKey && (e.key === 'E' || e.key === 'e')) return { type: 'measureTool', tool: 'ellipse' };
  if (e.key === 'Delete') return { type: 'measureDelete' };
  return null;
}

export const MEASURE_KEY_HELP: readonly KeyHelpRow[] = [
  { keys: 'Shift+M', what: 'Ruler on / off: drag on a slice; the length is in mm (kept with the case)' },
  { keys: 'Shift+E', what: 'Ellipse on / off: drag across it; mean, SD, min, max and area in the panel' },
  { keys: 'Esc', what: 'Cancel the measurement being drawn (then: leave the tool)' },
  { keys: 'Click on one', what: 'Select a ruler or ellipse: click its line or outline on a slice' },
  { keys: 'Delete', what: 'Delete the selected measurement (picked on the image or in the list)' },
  { keys: 'Ctrl+Z (tool on)', what: 'Undo the last measurement added or deleted' },
];
