// Screen <-> image mapping of one slice view, in CSS pixels relative to the view's canvas top-left corner.
//
// The slice image (width × height pixels, each pixelWidthMm × pixelHeightMm) is fitted to the canvas
// keeping its physical aspect, centred, then zoomed by camera.zoom and shifted by camera.pan (CSS px).
// Image pixel (u, v) covers screen x in [originX + u*pw*scale, originX + (u+1)*pw*scale) and likewise y.

export interface ViewCamera {
  /** Multiplies the fitted scale (1 = whole slice fits the canvas). */
  zoom: number;
  /** Shift of the image in CSS pixels. */
  panX: number;
  panY: number;
}

export const DEFAULT_CAMERA: ViewCamera = { zoom: 1, panX: 0, panY: 0 };
export const MIN_ZOOM = 0.1;
export const MAX_ZOOM = 64;
/** Fraction of the canvas the fitted slice fills, leaving room for the edge letters. */
export const FIT_MARGIN = 0.92;

export interface ImageGeometry {
  width: number;
  height: number;
  pixelWidthMm: number;
  pixelHeightMm: number;
}

export interface ScreenTransform {
  /** CSS pixels per mm. */
  scale: number;
  /** CSS position of the image's top-left corner (the outer edge of pixel (0, 0)). */
  originX: number;
  originY: number;
  /** CSS size of one image pixel. */
  cellWidth: number;
  cellHeight: number;
  width: number;
  height: number;
}

export function screenTransform(
  img: ImageGeometry,
  cssWidth: number,
  cssHeight: number,
  camera: ViewCamera,
): ScreenTransform {
  const wMm = img.width * img.pixelWidthMm;
  const hMm = img.height * img.pixelHeightMm;
  const fit = wMm > 0 && hMm > 0 ? Math.min(cssWidth / wMm, cssHeight / hMm) * FIT_MARGIN : 1;
  const scale = fit * camera.zoom;
  return {
    scale,
    originX: (cssWidth - wMm * scale) / 2 + camera.panX,
    originY: (cssHeight - hMm * scale) / 2 + camera.panY,
    cellWidth: img.pixelWidthMm * scale,
    cellHeight: img.pixelHeightMm * scale,
    width: img.width,
    height: img.height,
  };
}

/** The image pixel under a CSS point, or null outside the image. */
export function screenToPixel(t: ScreenTransform, x: number, y: number): { u: number; v: number } | null {
  const u = Math.floor((x - t.originX) / t.cellWidth);
  const v = Math.floor((y - t.originY) / t.cellHeight);
  if (!(u >= 0 && u < t.width && v >= 0 && v < t.height)) return null;
  return { u, v };
}

/** CSS point at the centre of image pixel (u, v). */
export function pixelCentre(t: ScreenTransform, u: number, v: number): { x: number; y: number } {
  return { x: t.originX + (u + 0.5) * t.cellWidth, y: t.originY + (v + 0.5) * t.cellHeight };
}

/** Camera zoomed by `factor` so that the image point under CSS (x, y) stays under it. */
export function zoomAt(
  img: ImageGeometry,
  cssWidth: number,
  cssHeight: number,
  camera: ViewCamera,
  factor: number,
  x: number,
  y: number,
): ViewCamera {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, camera.zoom * factor));
  const before = screenTransform(img, cssWidth, cssHeight, camera);
  const mmX = (x - before.originX) / before.scale;
  const mmY = (y - before.originY) / before.scale;
  const after = screenTransform(img, cssWidth, cssHeight, { zoom, panX: 0, panY: 0 });
  return {
    zoom,
    panX: x - mmX * after.scale - after.originX,
    panY: y - mmY * after.scale - after.originY,
  };
}
