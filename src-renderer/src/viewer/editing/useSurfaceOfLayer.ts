// Keeps a 3D label surface (maskSurface.ts) following a label layer: built when the scene is ready, rebuilt
// when the layer changes (at once, or once the layer has been quiet for `debounceMs`: a stroke is many
// changes), cleared when there is no layer. The triangle count goes on the 3D pane as `attribute` (for
// tests and curious users), removed while nothing is shown.
import type { RefObject } from 'react';
import { useEffect } from 'react';
import type { MaskLayer } from '@core/labelling/mask-layer';
import type { MaskSurface } from './maskSurface';

export function useSurfaceOfLayer(
  builderRef: RefObject<MaskSurface | null>,
  /** The scene (and so the builder) is built. */
  ready: boolean,
  layer: MaskLayer | null,
  paneRef: RefObject<HTMLElement | null>,
  attribute: string,
  /** Rebuild this long after the last change; null: after every change. */
  debounceMs: number | null,
): void {
  useEffect(() => {
    const builder = builderRef.current;
    if (!ready || !builder) return;
    const show = (n: number | null): void => {
      if (n === null) paneRef.current?.removeAttribute(attribute);
      else paneRef.current?.setAttribute(attribute, String(n));
    };
    if (!layer) {
      builder.clear();
      show(null);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const rebuild = (): void => show(builder.update(layer));
    rebuild();
    const off = layer.subscribe(() => {
      if (debounceMs === null) {
        rebuild();
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(rebuild, debounceMs);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [builderRef, ready, layer, paneRef, attribute, debounceMs]);
}
