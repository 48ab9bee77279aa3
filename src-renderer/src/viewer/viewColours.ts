// The colour of each view (its title bar, and its plane's crosshair line in the other views), and which
// colours a slice view's two crosshair lines take.
import type { SliceViewName, ViewLayout } from '@core/geometry/display';
import { SLICE_VIEWS } from '@core/geometry/display';

/** Colour of each view (title bar, and its plane's crosshair line in the other views). */
export const VIEW_COLOURS: Record<SliceViewName | '3d', string> = {
  axial: '#e0605a',
  coronal: '#63c46a',
  sagittal: '#e3c54f',
  '3d': '#7aa7e0',
};

/** Colour of a crosshair line no view's plane explains (not expected with three distinct axes). */
const NO_VIEW_COLOUR = '#cccccc';

/**
 * Per slice view, the colours of its vertical and horizontal crosshair lines: each line is the plane of the
 * view whose through-plane voxel axis it holds constant (the vertical line holds the screen-right axis).
 */
export function crosshairColours(
  layouts: Record<SliceViewName, ViewLayout>,
): Record<SliceViewName, { vertical: string; horizontal: string }> {
  const colourOfAxis = (axis: number): string => {
    const v = SLICE_VIEWS.find((w) => layouts[w].axes.normal.axis === axis);
    return v ? VIEW_COLOURS[v] : NO_VIEW_COLOUR;
  };
  const out = {} as Record<SliceViewName, { vertical: string; horizontal: string }>;
  for (const v of SLICE_VIEWS) {
    out[v] = {
      vertical: colourOfAxis(layouts[v].axes.right.axis),
      horizontal: colourOfAxis(layouts[v].axes.down.axis),
    };
  }
  return out;
}
