// Keyboard shortcuts of the viewer: one keydown listener on the window (so the keys work wherever the
// focus is, as in the e2e tests), ignoring keys typed into form fields and editable text. The key -> command
// table is keyBindings.ts; the caller executes the commands.

import { useEffect, useRef } from 'react';
import type { ViewerCommand } from './keyBindings';
import { commandForKey } from './keyBindings';

/** Whether keys typed at `target` are text (form fields, editable content), not shortcuts. */
export function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'range', 'reset', 'submit'].includes(type);
}

export function useViewerKeys(run: (c: ViewerCommand) => void, enabled = true): void {
  const runRef = useRef(run);
  useEffect(() => {
    runRef.current = run;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.defaultPrevented || isEditable(e.target)) return;
      const c = commandForKey(e);
      if (!c) return;
      e.preventDefault();
      runRef.current(c);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
