// Esc closes the dialog that registered last (one listener each; the newest sees the key first and stops
// it, so Esc in a dialog opened over another closes only the top one, and never reaches the viewer's keys).
import { useEffect, useRef } from 'react';

const stack: { current: (() => void) | undefined }[] = [];

function onKey(e: KeyboardEvent): void {
  if (e.key !== 'Escape' || e.defaultPrevented) return;
  const top = stack.at(-1);
  if (!top?.current) return;
  e.preventDefault();
  e.stopImmediatePropagation();
  top.current();
}

/** While mounted (and `onClose` is given), Esc calls `onClose`. */
export function useEscape(onClose: (() => void) | undefined): void {
  const ref = useRef(onClose);
  // The latest callback, set after each render (a ref may not be written during render).
  useEffect(() => {
    ref.current = onClose;
  });
  useEffect(() => {
    const entry = ref;
    stack.push(entry);
    if (stack.length === 1) window.addEventListener('keydown', onKey, true);
    return () => {
      stack.splice(stack.indexOf(entry), 1);
      if (stack.length === 0) window.removeEventListener('keydown', onKey, true);
    };
  }, []);
}
