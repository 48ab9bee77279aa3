// Keyboard shortcuts of the review (consensus) tools, read by the viewer's key handler (keyBindings.ts) and
// shown in its help. Chosen around the viewer's and the labelling tools' keys (editing/editKeys.ts), so no
// key changes meaning: Z (without Ctrl; Ctrl+Z stays undo) and the braces, Alt+PgUp/PgDn as alternatives
// for keyboards where braces need AltGr. Keys are KeyboardEvent.key values.

import type { KeyEventLike, KeyHelpRow } from './keyEvents';

export type ReviewAction = 'toggleOverlay' | 'nextRegion' | 'previousRegion';

export interface ReviewCommand {
  type: 'review';
  action: ReviewAction;
}

/** The review command for a key press, or null. */
export function reviewCommandForKey(e: KeyEventLike): ReviewCommand | null {
  if (e.ctrlKey || e.metaKey) return null;
  const k = e.key;
  if (e.altKey) {
    if (k === 'PageDown') return { type: 'review', action: 'nextRegion' };
    if (k === 'PageUp') return { type: 'review', action: 'previousRegion' };
    return null;
  }
  switch (k) {
    case 'z':
    case 'Z':
      return { type: 'review', action: 'toggleOverlay' };
    case '}':
      return { type: 'review', action: 'nextRegion' };
    case '{':
      return { type: 'review', action: 'previousRegion' };
  }
  return null;
}

export const REVIEW_KEY_HELP: readonly KeyHelpRow[] = [
  { keys: 'Z', what: 'Disagreement overlay on / off (slices and 3D)' },
  {
    keys: '} / Alt+PgDn',
    what: 'Next disagreement region (largest first): crosshair and 3D camera go there',
  },
  { keys: '{ / Alt+PgUp', what: 'Previous disagreement region' },
];
