// Crosshair line colours: each line takes the colour of the view whose plane it is.
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '@core/geometry/affine';
import { identity4 } from '@core/geometry/affine';
import type { SliceViewName, ViewLayout } from '@core/geometry/display';
import { SLICE_VIEWS, viewLayout } from '@core/geometry/display';
import { crosshairColours, VIEW_COLOURS } from './viewColours';

describe('crosshair colours', () => {
  it('gives each line the colour of the view whose plane it shows (axial volume, LPS axes)', () => {
    const dims: Vec3 = [4, 5, 6];
    const layouts = {} as Record<SliceViewName, ViewLayout>;
    for (const v of SLICE_VIEWS) layouts[v] = viewLayout(dims, [1, 1, 1], identity4(), v);
    const c = crosshairColours(layouts);
    // Axial: vertical line at constant i (a sagittal plane), horizontal at constant j (coronal).
    expect(c.axial).toEqual({ vertical: VIEW_COLOURS.sagittal, horizontal: VIEW_COLOURS.coronal });
    // Coronal: vertical at constant i (sagittal), horizontal at constant k (axial).
    expect(c.coronal).toEqual({ vertical: VIEW_COLOURS.sagittal, horizontal: VIEW_COLOURS.axial });
    // Sagittal: vertical at constant j (coronal), horizontal at constant k (axial).
    expect(c.sagittal).toEqual({ vertical: VIEW_COLOURS.coronal, horizontal: VIEW_COLOURS.axial });
  });
});
