// The CSS size of an element and the device pixel ratio, tracked with a ResizeObserver: the 2×2 / maximised
// layout changes a view's size without a window resize.
import { useEffect, useState, type RefObject } from 'react';

export interface ElementSize {
  /** CSS pixels. */
  w: number;
  h: number;
  dpr: number;
}

export function useElementSize(ref: RefObject<HTMLElement | null>): ElementSize {
  const [size, setSize] = useState<ElementSize>({ w: 0, h: 0, dpr: 1 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      const r = el.getBoundingClientRect();
      setSize({ w: r.width, h: r.height, dpr: window.devicePixelRatio || 1 });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}
