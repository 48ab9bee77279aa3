import { describe, expect, it } from 'vitest';
import { seriesLabels, slicePlane, type SeriesFacts } from './series-label';

// Row-major 4x4 affines (i, j, k, 1) -> LPS mm; only the k column (indices 2, 6, 10) decides the plane.
const axial = [0.7, 0, 0, 0, 0, 0.7, 0, 0, 0, 0, 2.5, 0, 0, 0, 0, 1];
const sagittal = [0, 0, 4, 0, 0.5, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0, 1];
const coronal = [0.5, 0, 0, 0, 0, 0, -3, 0, 0, 0.5, 0, 0, 0, 0, 0, 1];
const tilted = [1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1]; // k along (0, 1, 1): 45 deg from P and S

describe('telling series apart', () => {
  it('names the slice plane from the k axis', () => {
    expect([axial, sagittal, coronal, tilted].map(slicePlane)).toEqual([
      'axial',
      'sagittal',
      'coronal',
      'oblique',
    ]);
  });

  it('adds series number, plane, slice count and date only where a description repeats', () => {
    const v = (
      id: number,
      name: string,
      n: number | null,
      o: SeriesFacts['orientation'],
      k: number,
      at: string,
    ): SeriesFacts => ({
      id,
      name,
      seriesNumber: n,
      orientation: o,
      dims: [256, 256, k],
      importedAt: at,
    });
    expect(
      seriesLabels([
        v(1, 'T2 TSE', 3, 'sagittal', 15, '2026-01-02T10:00:00Z'),
        v(2, 'T2 TSE', 5, 'axial', 40, '2026-01-02T10:00:00Z'),
        v(3, 'T1', 2, 'sagittal', 15, '2026-01-02T10:00:00Z'),
        v(4, 'T2 TSE', 3, 'sagittal', 15, '2026-01-02T11:00:00Z'),
      ]),
    ).toEqual([
      'T2 TSE (#3, sagittal, 15 slices, volume 1)',
      'T2 TSE (#5, axial, 40 slices)',
      'T1',
      'T2 TSE (#3, sagittal, 15 slices, volume 4)',
    ]);
    expect(
      seriesLabels([
        v(1, 'CT', null, 'axial', 100, '2026-01-01T00:00:00Z'),
        v(2, 'CT', null, 'axial', 100, '2026-02-01T00:00:00Z'),
      ]),
    ).toEqual(['CT (axial, 100 slices, 2026-01-01)', 'CT (axial, 100 slices, 2026-02-01)']);
  });
});
