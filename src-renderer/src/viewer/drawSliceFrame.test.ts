// One slice-view frame drawn on a recording context: background, image and overlays at the fitted image
// rectangle, the crosshair through the cursor voxel's centre with its gap, the editor's path and brush.
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '@core/geometry/affine';
import { identity4 } from '@core/geometry/affine';
import { viewLayout } from '@core/geometry/display';
import type { SliceCanvasContext, SliceFrame } from './drawSliceFrame';
import { CROSSHAIR_GAP, drawSliceFrame } from './drawSliceFrame';
import { DEFAULT_CAMERA } from './viewTransform';

type Call = [string, ...unknown[]];

/** A context that records every method call and property write, in order. */
function recorder(): { ctx: SliceCanvasContext; calls: Call[] } {
  const calls: Call[] = [];
  const ctx = new Proxy({} as Record<string, unknown>, {
    get:
      (_t, name: string) =>
      (...args: unknown[]) =>
        calls.push([name, ...args]),
    set: (_t, name: string, value: unknown) => {
      calls.push([`${name}=`, value]);
      return true;
    },
  });
  return { ctx: ctx as unknown as SliceCanvasContext, calls };
}

const DIMS: Vec3 = [4, 3, 2];
const IMAGE = { id: 'image' } as unknown as CanvasImageSource;
const OVERLAY = { id: 'overlay' } as unknown as CanvasImageSource;

// The axial view of an identity-affine 4×3×2 volume: image pixel (u, v) = voxel (i, j), 1 mm pixels. On a
// 100×100 CSS canvas it is fitted at 0.92 × min(100/4, 100/3) = 23 CSS px per mm: 92 × 69 px at (4, 15.5).
function frame(over: Partial<SliceFrame> = {}): SliceFrame {
  return {
    size: { w: 100, h: 100, dpr: 2 },
    layout: viewLayout(DIMS, [1, 1, 1], identity4(), 'axial'),
    camera: DEFAULT_CAMERA,
    dims: DIMS,
    cursor: [1, 2, 0],
    image: IMAGE,
    overlays: [OVERLAY],
    crosshair: null,
    decorations: null,
    hover: null,
    ...over,
  };
}

const callsOf = (calls: Call[], name: string) => calls.filter((c) => c[0] === name).map((c) => c.slice(1));

describe('drawSliceFrame', () => {
  it('clears in device pixels, then draws the image and its overlays on the fitted rectangle', () => {
    const { ctx, calls } = recorder();
    drawSliceFrame(ctx, frame());
    expect(calls).toEqual([
      ['setTransform', 1, 0, 0, 1, 0, 0],
      ['fillStyle=', '#000'],
      ['fillRect', 0, 0, 200, 200],
      ['setTransform', 2, 0, 0, 2, 0, 0],
      ['imageSmoothingEnabled=', false],
      ['drawImage', IMAGE, 4, 15.5, 92, 69],
      ['drawImage', OVERLAY, 4, 15.5, 92, 69],
    ]);
  });

  it('draws the crosshair through the cursor voxel centre, in the two colours, with a gap around it', () => {
    const { ctx, calls } = recorder();
    drawSliceFrame(ctx, frame({ crosshair: { vertical: 'red', horizontal: 'blue' } }));
    // Voxel (1, 2) is image pixel (1, 2): centre (4 + 1.5 × 23, 15.5 + 2.5 × 23) = (38.5, 73).
    expect(callsOf(calls, 'strokeStyle=')).toEqual([['red'], ['blue']]);
    expect(callsOf(calls, 'moveTo')).toEqual([
      [38.5, 15.5],
      [38.5, 73 + CROSSHAIR_GAP],
      [4, 73],
      [38.5 + CROSSHAIR_GAP, 73],
    ]);
    expect(callsOf(calls, 'lineTo')).toEqual([
      [38.5, 73 - CROSSHAIR_GAP],
      [38.5, 84.5],
      [38.5 - CROSSHAIR_GAP, 73],
      [96, 73],
    ]);
    expect(callsOf(calls, 'stroke')).toHaveLength(2);
  });

  it('draws the editor’s path with its vertices, and the brush circle on the voxel under the pointer', () => {
    const { ctx, calls } = recorder();
    drawSliceFrame(
      ctx,
      frame({
        decorations: {
          brushRadiusMm: 0.5,
          brushText: '0.5 mm',
          path: [
            [0, 0, 0],
            [2, 1, 0],
          ],
          colour: 'yellow',
        },
        // Inside image pixel (1, 2), off its centre: the circle is centred on the voxel.
        hover: { x: 30, y: 80 },
      }),
    );
    expect(callsOf(calls, 'save')).toHaveLength(1);
    expect(callsOf(calls, 'restore')).toHaveLength(1);
    // Voxel centres (0, 0) and (2, 1): (4 + 0.5 × 23, 15.5 + 0.5 × 23) and (4 + 2.5 × 23, 15.5 + 1.5 × 23).
    expect(callsOf(calls, 'moveTo')).toEqual([[15.5, 27]]);
    expect(callsOf(calls, 'lineTo')).toEqual([[61.5, 50]]);
    expect(callsOf(calls, 'fillRect').slice(1)).toEqual([
      [13.5, 25, 4, 4],
      [59.5, 48, 4, 4],
    ]);
    expect(callsOf(calls, 'arc')).toEqual([[38.5, 73, 11.5, 0, Math.PI * 2]]);
    const r = 11.5 * 0.75;
    expect(callsOf(calls, 'fillText')).toEqual([['0.5 mm', 38.5 + r + 4, 73 - r - 4]]);
  });

  it('draws no brush circle with the pointer off the image', () => {
    const { ctx, calls } = recorder();
    const d = { brushRadiusMm: 2, brushText: '2 mm', path: null, colour: 'yellow' };
    drawSliceFrame(ctx, frame({ decorations: d, hover: { x: 1, y: 1 } }));
    expect(callsOf(calls, 'arc')).toHaveLength(0);
    expect(callsOf(calls, 'save')).toHaveLength(1);
  });
});
