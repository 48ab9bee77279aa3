// Application-wide shortcuts: the side panels open and close with Alt+T (Training) and Alt+C (Consensus),
// whether or not a volume is open (the viewer's own keys work only inside an open volume). Alt+letter is
// free in the viewer's and the labelling tools' tables (keyBindings.ts, editing/editKeys.ts: only Alt+N,
// Alt+arrows and Alt+PgUp/PgDn are taken there). Keys are KeyboardEvent.key values; `code` is read too
// because on macOS Alt+letter types another character (Alt+T gives '†').

import type { KeyEventLike, KeyHelpRow } from './viewer';
import { useKeyCommands } from './viewer';

export type AppPanel = 'training' | 'consensus';

/** The panel a key press toggles, or null. */
export function panelForKey(e: KeyEventLike & { code?: string }): AppPanel | null {
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  const k = e.key.toLowerCase();
  if (k === 't' || e.code === 'KeyT') return 'training';
  if (k === 'c' || e.code === 'KeyC') return 'consensus';
  return null;
}

export const APP_KEY_HELP: readonly KeyHelpRow[] = [
  { keys: 'Alt+T', what: 'Training drawer open / closed' },
  { keys: 'Alt+C', what: 'Consensus panel open / closed (reviewers, with a volume open)' },
];

/** Calls `toggle` with the panel of each Alt+T / Alt+C pressed outside a form field. */
export function useAppKeys(toggle: (panel: AppPanel) => void): void {
  useKeyCommands(panelForKey, toggle);
}
