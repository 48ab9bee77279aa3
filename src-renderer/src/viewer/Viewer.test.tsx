// @vitest-environment jsdom
// The Viewer mounted in jsdom: DOM contract (test ids, letters, readout), keyboard wiring, the e2e test hook,
// the no-WebGL message in the 3D quadrant, onViewChange, and clean-up on unmount. jsdom has no canvas,
// layout, ResizeObserver or ImageData, so those are stubbed; pixels themselves are checked in the
// sliceExtract tests and in the browser.

import { act } from 'react';
import type { Root } from 'react-dom/client';
import { createRoot } from 'react-dom/client';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Vec3 } from '@core/geometry/affine';
import { composeAffine } from '@core/geometry/affine';
import type { MeasurementInfo, ViewState, VolumeMeta } from '@contract';
import { MaskLayer } from '@core/labelling/mask-layer';
import type { ViewerMeasure, ViewerReview } from './viewerProps';
import { Viewer } from './Viewer';

const CANVAS_W = 600;
const CANVAS_H = 400;

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  class RO {
    constructor(private cb: () => void) {}
    observe(): void {
      this.cb();
    }
    disconnect(): void {}
    unobserve(): void {}
  }
  vi.stubGlobal('ResizeObserver', RO);
  vi.stubGlobal(
    'ImageData',
    class {
      data: Uint8ClampedArray;
      constructor(
        public width: number,
        public height: number,
      ) {
        this.data = new Uint8ClampedArray(width * height * 4);
      }
    },
  );
  const ctx2d = new Proxy({}, { get: (_t, k) => (k === 'canvas' ? undefined : () => undefined) });
  // 2D contexts are stubs; WebGL2 is absent, as on a machine without it.
  HTMLCanvasElement.prototype.getContext = function (kind: string) {
    return kind === '2d' ? ctx2d : null;
  } as typeof HTMLCanvasElement.prototype.getContext;
  // Every element is laid out as a 600×400 box at (10, 20).
  HTMLElement.prototype.getBoundingClientRect = function () {
    return {
      x: 10,
      y: 20,
      left: 10,
      top: 20,
      width: CANVAS_W,
      height: CANVAS_H,
      right: 610,
      bottom: 420,
      toJSON() {},
    };
  };
});

const dims: Vec3 = [6, 5, 4];
const meta: VolumeMeta = {
  id: 7,
  caseId: 3,
  name: 'tiny',
  modality: 'CT',
  sourceFormat: 'nifti',
  dims,
  spacing: [1, 1, 2],
  affineLPS: composeAffine(
    [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
    [1, 1, 2],
    [-3, -2, 10],
  ),
  scalarType: 'int16',
  frames: 1,
  rescale: { slope: 1, intercept: -1000 },
  byteLength: 240,
  checksum: 'abc',
  stats: { min: -1000, max: -881, mean: -940 },
  importedAt: '2025-01-01T00:00:00Z',
  patientPosition: 'HFS',
  seriesNumber: null,
  orientation: 'axial',
};
/** stored value = i + 10 j + 30 k (so physical = that − 1000). */
const voxels = new Int16Array(120).map(
  (_, n) => (n % 6) + 10 * (Math.floor(n / 6) % 5) + 30 * Math.floor(n / 30),
);

let root: Root;
let host: HTMLDivElement;
const $ = (id: string): HTMLElement => {
  const el = host.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (!el) throw new Error(`no ${id}`);
  return el;
};
const key = (k: string): void => {
  act(() => {
    window.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
  });
};

function mount(
  props: {
    initialView?: ViewState;
    onViewChange?: (v: ViewState) => void;
    review?: ViewerReview;
    measure?: ViewerMeasure;
  } = {},
): void {
  act(() => {
    root.render(<Viewer meta={meta} voxels={voxels} {...props} />);
  });
}

beforeEach(() => {
  host = document.createElement('div');
  document.body.appendChild(host);
  root = createRoot(host);
});

afterEach(() => {
  act(() => root.unmount());
  host.remove();
  vi.useRealTimers();
});

describe('Viewer (jsdom)', () => {
  it('shows four views, edge letters, slices and the crosshair readout', () => {
    mount();
    for (const v of ['axial', 'coronal', 'sagittal', '3d']) expect($(`view-${v}`)).toBeTruthy();
    expect($('orient-axial-left').textContent).toBe('R');
    expect($('orient-axial-right').textContent).toBe('L');
    expect($('orient-axial-top').textContent).toBe('A');
    expect($('orient-coronal-top').textContent).toBe('S');
    expect($('orient-sagittal-right').textContent).toBe('P');
    // Centre voxel (3, 2, 2): stored 3 + 20 + 60 = 83 -> −917 HU.
    expect($('readout-ijk').textContent).toBe('3, 2, 2');
    expect($('readout-value').textContent).toBe('-917');
    expect($('readout-lps').textContent).toBe('0.00, 0.00, 14.00');
    expect($('slice-axial').textContent).toBe('3'); // slices count from 1
    expect($('slice-coronal').textContent).toBe('3');
    expect($('slice-sagittal').textContent).toBe('4');
    expect($('wl-display').textContent).toBe('W 350 L 50');
  });

  it('marks its first drawn slice for the view benchmark', () => {
    performance.clearMarks('concord:first-slice');
    mount();
    expect(performance.getEntriesByName('concord:first-slice')).toHaveLength(1);
    key('PageUp');
    expect(performance.getEntriesByName('concord:first-slice')).toHaveLength(1);
  });

  it('runs the keyboard shortcuts', () => {
    mount();
    key('2');
    expect($('viewer').dataset.layout).toBe('coronal');
    expect($('view-axial').hidden).toBe(true);
    key('Escape');
    expect($('viewer').dataset.layout).toBe('grid');
    key('l');
    expect($('wl-display').textContent).toBe('W 1500 L -600');
    key('PageUp'); // axial is active: toward Superior = k + 1 for this affine
    expect($('slice-axial').textContent).toBe('4');
    key('Home');
    expect($('slice-axial').textContent).toBe('1');
    key('?');
    expect($('viewer-help')).toBeTruthy();
    key('Escape');
    expect(host.querySelector('[data-testid="viewer-help"]')).toBeNull();
  });

  it('exposes an exact screen <-> voxel mapping through window.__concordViewer', () => {
    mount();
    const hook = window.__concordViewer!;
    expect(hook.volumeId).toBe(7);
    act(() => hook.setCursor([1, 4, 3]));
    expect($('slice-axial').textContent).toBe('4');
    for (const view of ['axial', 'coronal', 'sagittal'] as const) {
      for (const ijk of [
        [0, 0, 0],
        [5, 4, 3],
        [2, 3, 1],
      ] as Vec3[]) {
        const p = hook.clientPointFor(view, ...ijk)!;
        expect(p.visible).toBe(true);
        const back = hook.voxelAt(view, p.x, p.y)!;
        // The view's through-plane index is the cursor's; the in-plane ones come from the point.
        const layout = hook.layoutOf(view);
        const expected: Vec3 = [...ijk];
        expected[layout.axes.normal.axis] = [1, 4, 3][layout.axes.normal.axis]!;
        expect(back).toEqual(expected);
      }
    }
    expect(hook.valueAt(2, 3, 1)).toBe(2 + 30 + 30 - 1000);
    expect(hook.worldAt(1, 1, 1)).toEqual([-2, -1, 12]);
  });

  it('reads out the voxel under the pointer', () => {
    mount();
    const hook = window.__concordViewer!;
    act(() => hook.setCursor([0, 0, 1]));
    const p = hook.clientPointFor('axial', 4, 3, 1)!;
    act(() => {
      $('canvas-axial').dispatchEvent(
        new MouseEvent('pointermove', { clientX: p.x, clientY: p.y, bubbles: true }),
      );
    });
    expect($('readout').dataset.source).toBe('hover');
    expect($('readout-ijk').textContent).toBe('4, 3, 1');
    expect($('readout-value').textContent).toBe(String(4 + 30 + 30 - 1000));
    act(() => {
      $('canvas-axial').dispatchEvent(new MouseEvent('pointerleave'));
    });
    expect($('readout-ijk').textContent).toBe('0, 0, 1');
  });

  it('says so in the 3D quadrant when WebGL2 is missing', async () => {
    mount();
    expect($('view-3d-message').textContent).toMatch(/Preparing/);
    // The 3D module (vtk.js) is imported 50 ms after mount; let real time pass inside act until it reports.
    await vi.waitFor(
      async () => {
        await act(() => new Promise((r) => setTimeout(r, 50)));
        expect($('view-3d').dataset.status).toBe('unavailable');
      },
      { timeout: 30_000, interval: 10 },
    );
    expect($('view-3d-message').textContent).toMatch(/no WebGL2/);
  });

  it('starts from a saved view and reports changes, debounced', () => {
    vi.useFakeTimers();
    const seen: ViewState[] = [];
    mount({
      initialView: { cursor: [1, 1, 1], window: 80, level: 40, layout: 'sagittal' },
      onViewChange: (v) => seen.push(v),
    });
    expect($('viewer').dataset.layout).toBe('sagittal');
    expect($('wl-display').textContent).toBe('W 80 L 40');
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(seen).toEqual([]);
    key('0');
    key('b');
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(seen).toEqual([
      { volumeId: 7, caseId: 3, window: 2000, level: 500, cursor: [1, 1, 1], layout: 'grid' },
    ]);
  });

  it('removes its hook and key listener on unmount', () => {
    mount();
    expect(window.__concordViewer).toBeDefined();
    act(() => root.unmount());
    expect(window.__concordViewer).toBeUndefined();
    // A key after unmount must not throw or re-create anything.
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '2' }));
    root = createRoot(host);
  });

  it('refuses voxel data shorter than the dims', () => {
    act(() => {
      root.render(<Viewer meta={meta} voxels={new Int16Array(10)} />);
    });
    expect($('viewer-error').textContent).toMatch(/10 voxels received, 120 expected/);
  });

  it('review: Z and the braces reach the review, a new focus moves the crosshair once, the overlay is drawn on top', () => {
    const onCommand = vi.fn();
    const overlay = new MaskLayer('agreement', dims, new Uint8Array(120).fill(2), new Uint32Array(256));
    const review = (seq: number, ijk: Vec3): ViewerReview => ({
      overlay,
      surface: null,
      focus: { seq, ijk, box: [ijk[0], ijk[0] + 1, ijk[1], ijk[1] + 1, ijk[2], ijk[2] + 1] },
      onCommand,
    });
    mount({ review: review(1, [1, 4, 0]) });
    expect(window.__concordViewer!.getState().cursor).toEqual([1, 4, 0]);
    expect(window.__concordViewer!.overlayIds()).toEqual(['agreement']);
    expect(window.__concordViewer!.overlayLabelAt('agreement', 0, 0, 0)).toBe(2);
    key('z');
    key('}');
    key('{');
    expect(onCommand.mock.calls.map((c) => c[0])).toEqual(['toggleOverlay', 'nextRegion', 'previousRegion']);
    // The user moves the crosshair; the same focus re-rendered does not pull it back, a new one does.
    act(() => window.__concordViewer!.setCursor([5, 0, 3]));
    mount({ review: review(1, [1, 4, 0]) });
    expect(window.__concordViewer!.getState().cursor).toEqual([5, 0, 3]);
    mount({ review: review(2, [2, 1, 1]) });
    expect(window.__concordViewer!.getState().cursor).toEqual([2, 1, 1]);
  });

  it('measure: a drag with the ruler on goes to onDraw on the axial slice; the keys reach the app', () => {
    for (const f of ['setPointerCapture', 'releasePointerCapture'] as const)
      HTMLElement.prototype[f] = () => undefined;
    HTMLElement.prototype.hasPointerCapture = () => true;
    const measure: ViewerMeasure = {
      tool: 'ruler',
      items: [],
      selectedId: 5,
      focus: { seq: 1, ijk: [2, 2, 3] },
      onTool: vi.fn(),
      onDraw: vi.fn(),
      onSelect: vi.fn(),
      onDelete: vi.fn(),
      onUndo: vi.fn(),
    };
    mount({ measure });
    // The focus moved the crosshair onto the measurement's slice.
    expect(window.__concordViewer!.getState().cursor).toEqual([2, 2, 3]);
    const hook = window.__concordViewer!;
    const a = hook.clientPointFor('axial', 1, 1, 3)!;
    const b = hook.clientPointFor('axial', 4, 3, 3)!;
    const ev = (type: string, p: { x: number; y: number }) =>
      act(() => {
        $('canvas-axial').dispatchEvent(
          new MouseEvent(type, { clientX: p.x, clientY: p.y, button: 0, bubbles: true }),
        );
      });
    ev('pointerdown', a);
    ev('pointermove', b);
    ev('pointerup', b);
    expect(measure.onDraw).toHaveBeenCalledTimes(1);
    const shape = vi.mocked(measure.onDraw).mock.calls[0]![0];
    expect(shape).toMatchObject({ kind: 'ruler', axis: 2, slice: 3 });
    for (const [n, want] of [
      [0, [1, 1, 3]],
      [1, [4, 3, 3]],
    ] as const)
      shape.points[n].forEach((x, c) => expect(x).toBeCloseTo(want[c]!, 6));
    // The crosshair did not move: the left button drew instead.
    expect(hook.getState().cursor).toEqual([2, 2, 3]);
    act(() => {
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'E', shiftKey: true }));
    });
    key('Delete');
    act(() => {
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true }));
    });
    key('Escape');
    expect(vi.mocked(measure.onTool).mock.calls).toEqual([['ellipse'], [null]]);
    expect(measure.onDelete).toHaveBeenCalledWith(5);
    expect(measure.onUndo).toHaveBeenCalledTimes(1);
  });

  it('measure: a click on a kept ruler selects it, without moving the crosshair; off it, none', () => {
    for (const f of ['setPointerCapture', 'releasePointerCapture'] as const)
      HTMLElement.prototype[f] = () => undefined;
    HTMLElement.prototype.hasPointerCapture = () => true;
    const ruler: MeasurementInfo = {
      id: 7,
      volumeId: meta.id,
      caseId: meta.caseId,
      annotatorId: 1,
      annotatorName: 'Ann',
      kind: 'ruler',
      name: 'Ruler 1',
      axis: 2,
      slice: 3,
      points: [
        [1, 1, 3],
        [5, 1, 3],
      ],
      createdAt: '2026-01-01T00:00:00.000Z',
      lengthMm: 4,
      areaMm2: null,
    };
    const measure: ViewerMeasure = {
      tool: null,
      items: [ruler],
      selectedId: null,
      focus: { seq: 1, ijk: [2, 4, 3] },
      onTool: vi.fn(),
      onDraw: vi.fn(),
      onSelect: vi.fn(),
      onDelete: vi.fn(),
      onUndo: vi.fn(),
    };
    mount({ measure });
    const hook = window.__concordViewer!;
    const click = (ijk: Vec3, dy = 0) => {
      const p = hook.clientPointFor('axial', ...ijk)!;
      for (const type of ['pointerdown', 'pointerup'])
        act(() => {
          $('canvas-axial').dispatchEvent(
            new MouseEvent(type, { clientX: p.x, clientY: p.y + dy, button: 0, bubbles: true }),
          );
        });
    };
    // On its line, 2 px off it: picked, and the crosshair stays where it was.
    click([3, 1, 3], 2);
    expect(measure.onSelect).toHaveBeenLastCalledWith(7);
    expect(hook.getState().cursor).toEqual([2, 4, 3]);
    // Selected: a click on the image away from it clears the selection and moves the crosshair.
    mount({ measure: { ...measure, selectedId: 7 } });
    click([4, 3, 3]);
    expect(measure.onSelect).toHaveBeenLastCalledWith(null);
    expect(hook.getState().cursor).toEqual([4, 3, 3]);
    expect(measure.onDraw).not.toHaveBeenCalled();
  });
});
