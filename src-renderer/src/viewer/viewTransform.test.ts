import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CAMERA,
  FIT_MARGIN,
  pixelCentre,
  screenToPixel,
  screenTransform,
  zoomAt,
} from './viewTransform';

// 35 columns of 4.8 mm by 256 rows of 1.016 mm (decubitus axial reformat): strongly anisotropic pixels.
const img = { width: 35, height: 256, pixelWidthMm: 4.8, pixelHeightMm: 1.016 };

describe('screen transform', () => {
  it('fits the slice with its physical aspect, centred', () => {
    const t = screenTransform(img, 400, 300, DEFAULT_CAMERA);
    const wMm = 35 * 4.8;
    const hMm = 256 * 1.016;
    expect(t.scale).toBeCloseTo(Math.min(400 / wMm, 300 / hMm) * FIT_MARGIN, 12);
    expect(t.cellWidth / t.cellHeight).toBeCloseTo(4.8 / 1.016, 12);
    expect(t.originX + (wMm * t.scale) / 2).toBeCloseTo(200, 9);
    expect(t.originY + (hMm * t.scale) / 2).toBeCloseTo(150, 9);
  });

  it('maps pixel centres back to their pixel, and outside points to null', () => {
    const t = screenTransform(img, 400, 300, { zoom: 2.5, panX: 13, panY: -7 });
    for (let v = 0; v < img.height; v += 17)
      for (let u = 0; u < img.width; u++) {
        const c = pixelCentre(t, u, v);
        expect(screenToPixel(t, c.x, c.y)).toEqual({ u, v });
      }
    expect(screenToPixel(t, t.originX - 0.5, t.originY + 1)).toBeNull();
    expect(screenToPixel(t, t.originX + 1, t.originY + 256 * t.cellHeight + 0.5)).toBeNull();
  });

  it('zooms about the pointer: the image point under it stays', () => {
    const cam = { zoom: 1.3, panX: 5, panY: 9 };
    const before = screenTransform(img, 400, 300, cam);
    const p = pixelCentre(before, 20, 100);
    const next = zoomAt(img, 400, 300, cam, 1.7, p.x, p.y);
    expect(next.zoom).toBeCloseTo(1.3 * 1.7, 12);
    const after = screenTransform(img, 400, 300, next);
    const q = pixelCentre(after, 20, 100);
    expect(q.x).toBeCloseTo(p.x, 9);
    expect(q.y).toBeCloseTo(p.y, 9);
  });

  it('clamps the zoom', () => {
    expect(zoomAt(img, 400, 300, DEFAULT_CAMERA, 1e6, 0, 0).zoom).toBe(64);
    expect(zoomAt(img, 400, 300, DEFAULT_CAMERA, 1e-6, 0, 0).zoom).toBe(0.1);
  });
});
