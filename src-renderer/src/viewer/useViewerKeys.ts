// Keyboard shortcuts of the viewer: one keydown listener on the window (so the keys work wherever the
// focus is, as in the e2e tests), ignoring keys typed into form fields and editable text. The key -> command
// table is keyBindings.ts; the caller executes the commands.

import { useEffect, useRef } from 'react';
import type { ViewerCommand } from './keyBindings';
import { commandForKey } from './keyBindings';

/** Whether keys typed at `target` are text (form fields, editable content), not shortcuts. */
function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'range', 'reset', 'submit'].includes(type);
}

/** Runs `run` with the command `commandFor` gives each key press outside form fields (one window listener;
 *  the latest `run` and `commandFor` are used). */
export function useKeyCommands<C>(
  commandFor: (e: KeyboardEvent) => C | null,
  run: (c: C) => void,
  enabled = true,
): void {
  const ref = useRef({ commandFor, run });
  useEffect(() => {
    ref.current = { commandFor, run };
  });
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || isEditable(e.target)) return;
      const c = ref.current.commandFor(e);
      if (c === null) return;
      e.preventDefault();
      ref.current.run(c);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}

export function useViewerKeys(run: (c: ViewerCommand) => void, enabled = true): void {
  useKeyCommands(commandForKey, run, enabled);
}
