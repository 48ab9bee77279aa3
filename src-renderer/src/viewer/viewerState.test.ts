import { describe, expect, it } from 'vitest';
import { initialViewerState, toViewState, viewerReducer } from './viewerState';

const wl = { window: 350, level: 50 };

describe('viewer state', () => {
  it('starts at the centre voxel in the grid, or where the saved view was', () => {
    const s = initialViewerState([10, 20, 5], wl, 'mediastinum');
    expect(s.cursor).toEqual([5, 10, 2]);
    expect(s.layout).toBe('grid');
    expect(s.wl).toEqual(wl);
    const saved = initialViewerState([10, 20, 5], wl, 'mediastinum', {
      cursor: [3, 99, -4],
      window: 1500,
      level: -600,
      layout: 'coronal',
    });
    expect(saved.cursor).toEqual([3, 19, 0]);
    expect(saved.wl).toEqual({ window: 1500, level: -600 });
    expect(saved.wlSource).toBe('saved');
    expect(saved.layout).toBe('coronal');
    const bad = initialViewerState([10, 20, 5], wl, 'auto', { window: -1, level: 0, layout: 'mosaic' });
    expect(bad.wl).toEqual(wl);
    expect(bad.layout).toBe('grid');
  });

  it('moves the cursor within the volume', () => {
    let s = initialViewerState([10, 20, 5], wl, 'auto');
    s = viewerReducer(s, { type: 'step', axis: 2, delta: 1 });
    expect(s.cursor).toEqual([5, 10, 3]);
    s = viewerReducer(s, { type: 'step', axis: 2, delta: 10 });
    expect(s.cursor).toEqual([5, 10, 4]);
    s = viewerReducer(s, { type: 'slice', axis: 0, index: 0 });
    expect(s.cursor).toEqual([0, 10, 4]);
    s = viewerReducer(s, { type: 'cursor', ijk: [2.4, -3, 7] });
    expect(s.cursor).toEqual([2, 0, 4]);
    expect(viewerReducer(s, { type: 'cursor', ijk: [2, 0, 4] })).toBe(s);
  });

  it('maximises and restores views', () => {
    let s = initialViewerState([4, 4, 4], wl, 'auto');
    s = viewerReducer(s, { type: 'toggleMaximise', view: '3d' });
    expect(s.layout).toBe('3d');
    s = viewerReducer(s, { type: 'toggleMaximise', view: '3d' });
    expect(s.layout).toBe('grid');
    s = viewerReducer(s, { type: 'layout', layout: 'sagittal' });
    expect(s.layout).toBe('sagittal');
  });

  it('rejects a non-positive window, resets cameras and window', () => {
    let s = initialViewerState([4, 4, 4], wl, 'mediastinum');
    expect(viewerReducer(s, { type: 'wl', wl: { window: 0, level: 3 }, source: 'manual' })).toBe(s);
    s = viewerReducer(s, { type: 'wl', wl: { window: 10, level: 3 }, source: 'manual' });
    s = viewerReducer(s, { type: 'camera', view: 'axial', camera: { zoom: 3, panX: 1, panY: 2 } });
    s = viewerReducer(s, { type: 'reset', wl, source: 'mediastinum' });
    expect(s.cameras.axial).toEqual({ zoom: 1, panX: 0, panY: 0 });
    expect(s.wl).toEqual(wl);
    expect(s.wlSource).toBe('mediastinum');
  });

  it('exports the persisted part as a ViewState', () => {
    const s = initialViewerState([4, 4, 4], wl, 'mediastinum');
    expect(toViewState(s, 7, 3)).toEqual({
      volumeId: 7,
      caseId: 3,
      window: 350,
      level: 50,
      cursor: [2, 2, 2],
      layout: 'grid',
    });
  });
});
