// Keyboard shortcuts of the labelling tools, read by the viewer's key handler (keyBindings.ts) and shown in
// its help. Chosen around the viewer's own keys (0–4, arrows, S, +/−, A, [ ] ; ', R, C, W, X, P, ?, H and the
// presets L M B N), so no key changes meaning. Keys are KeyboardEvent.key values.

import type { KeyEventLike, KeyHelpRow } from '../keyEvents';
import type { OperationName, ToolName } from '@core/labelling/tool-settings';
import { OPERATIONS, TOOLS } from '@core/labelling/tool-settings';

export type EditCommand =
  | { type: 'editTool'; tool: ToolName }
  | { type: 'editOperation'; name: OperationName }
  | { type: 'brushSize'; dir: 1 | -1 }
  | { type: 'toggleDimension' }
  | { type: 'toggleProtect' }
  | { type: 'cycleLabel'; dir: 1 | -1 }
  /** The own mask: filled → outlined → hidden → filled. */
  | { type: 'cycleOverlay' }
  | { type: 'undo' }
  | { type: 'redo' }
  /** Close and fill the polygon in progress. */
  | { type: 'finishPath' }
  | { type: 'nextCase' };

const TOOL_KEYS: Record<string, ToolName> = Object.fromEntries(
  TOOLS.map((t) => [t.key.toLowerCase(), t.name]),
) as Record<string, ToolName>;

/** The labelling command for a key press, or null (then the viewer's own table is asked). */
export function editCommandForKey(e: KeyEventLike): EditCommand | null {
  const k = e.key;
  if (e.ctrlKey || e.metaKey) {
    if (e.altKey) return null;
    if (k === 'z' || k === 'Z') return e.shiftKey ? { type: 'redo' } : { type: 'undo' };
    if ((k === 'y' || k === 'Y') && !e.shiftKey) return { type: 'redo' };
    return null;
  }
  if (e.altKey) return k === 'n' || k === 'N' ? { type: 'nextCase' } : null;
  const lower = k.toLowerCase();
  const tool = TOOL_KEYS[lower];
  if (tool && k.length === 1) return { type: 'editTool', tool };
  switch (k) {
    case 'i':
    case 'I':
      return { type: 'editOperation', name: 'interpolate' };
    case 'k':
    case 'K':
      return { type: 'editOperation', name: 'largest' };
    case 'j':
    case 'J':
      return { type: 'editOperation', name: 'islands' };
    case 'o':
      return { type: 'editOperation', name: 'holes' };
    case 'O':
      return { type: 'editOperation', name: e.shiftKey ? 'holesEverySlice' : 'holes' };
    case ',':
    case '<':
      return { type: 'brushSize', dir: -1 };
    case '.':
    case '>':
      return { type: 'brushSize', dir: 1 };
    case 'u':
    case 'U':
      return { type: 'toggleDimension' };
    case 'q':
    case 'Q':
      return { type: 'toggleProtect' };
    case '`':
      return { type: 'cycleLabel', dir: 1 };
    case '~':
      return { type: 'cycleLabel', dir: -1 };
    case 'y':
    case 'Y':
      return { type: 'cycleOverlay' };
    case 'Enter':
      return { type: 'finishPath' };
  }
  return null;
}

export const EDIT_KEY_HELP: readonly KeyHelpRow[] = [
  ...TOOLS.map((t) => ({ keys: t.key, what: `${t.label}: ${t.what}` })),
  ...OPERATIONS.map((o) => ({ keys: o.key, what: `${o.label}: ${o.what}` })),
  { keys: ', / .', what: 'Brush smaller / larger (radius in mm)' },
  { keys: 'U', what: '2D (disc, current slice) ↔ 3D (ball, volume) for brush, growing, clean-up' },
  { keys: 'Q', what: 'Protect other labels on / off' },
  { keys: '` / ~', what: 'Next / previous label' },
  { keys: 'Y', what: 'Mask filled → outlined → hidden' },
  { keys: 'Enter', what: 'Close and fill the polygon (Esc cancels it)' },
  { keys: 'Ctrl+Z', what: 'Undo (saved as a new revision)' },
  { keys: 'Ctrl+Shift+Z / Ctrl+Y', what: 'Redo' },
  { keys: 'Alt+N', what: 'Next case on the worklist' },
];

export const EDIT_MOUSE_HELP: readonly KeyHelpRow[] = [
  { keys: 'Left drag (brush, eraser, threshold)', what: 'Paint; one stroke is one saved revision' },
  { keys: 'Left click (region grow)', what: 'Grow from the voxel under the pointer' },
  { keys: 'Left drag / clicks (polygon)', what: 'Lasso, or polygon vertices; double-click closes' },
  { keys: 'Shift / Ctrl + left drag', what: 'Still pan / window-level while a tool is active' },
];
