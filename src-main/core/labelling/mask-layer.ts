// A label map drawn over the slice views: the mask (Uint8Array labels on the volume's grid, i fastest), its
// colours (one packed RGBA per label value) and how it is drawn (filled or outlined). The mask is edited in
// place by the tools; they call changed(box) so that only the views showing that box redraw, without a
// React render per brush dab.

import type { Vec3 } from '../geometry/affine';
import type { Box } from './patch';

export type OverlayStyle = 'fill' | 'outline';

/** A change to the mask: the box that changed (half-open voxel indices), or null for "everything". */
export type LayerListener = (box: Box | null) => void;

export interface LabelColour {
  value: number;
  /** '#rrggbb' */
  color: string;
  visible: boolean;
  /** 0..1 */
  opacity: number;
}

/** RGBA packed as ImageData's bytes read through a little-endian Uint32Array: 0xAABBGGRR. */
export function packRgba(r: number, g: number, b: number, a: number): number {
  return ((a & 255) << 24) | ((b & 255) << 16) | ((g & 255) << 8) | (r & 255);
}

export function parseHex(color: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(color);
  const n = m ? parseInt(m[1]!, 16) : 0xff0000;
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Colours for label values with no label defined (an imported mask with unknown values). */
const FALLBACK = ['#ff0000', '#00c000', '#0080ff', '#ffc000', '#c000ff', '#00e0e0', '#ff6000', '#ff00a0'];

/**
 * The colour table of a layer: entry v is the RGBA of label v (0 = background, transparent). Hidden labels
 * are transparent; `tint` (another annotator's layer in review) replaces every label's colour.
 */
export function labelTable(labels: readonly LabelColour[], layerOpacity = 1, tint?: string): Uint32Array {
  const lut = new Uint32Array(256);
  const byValue = new Map(labels.map((l) => [l.value, l]));
  for (let v = 1; v < 256; v++) {
    const l = byValue.get(v);
    if (l && !l.visible) continue;
    const [r, g, b] = parseHex(tint ?? l?.color ?? FALLBACK[(v - 1) % FALLBACK.length]!);
    const a = Math.round(255 * Math.min(1, Math.max(0, (l?.opacity ?? 0.5) * layerOpacity)));
    lut[v] = packRgba(r, g, b, a);
  }
  return lut;
}

export class MaskLayer {
  readonly id: string;
  readonly dims: Vec3;
  readonly mask: Uint8Array;
  /** Packed RGBA per label value (see labelTable). */
  lut: Uint32Array;
  style: OverlayStyle;
  visible = true;
  /** Bumped by every change, so caches can tell whether they are current. */
  version = 0;
  private listeners = new Set<LayerListener>();

  constructor(id: string, dims: Vec3, mask: Uint8Array, lut: Uint32Array, style: OverlayStyle = 'fill') {
    if (mask.length !== dims[0] * dims[1] * dims[2]) {
      throw new RangeError(`mask of ${mask.length} labels does not fit a ${dims.join('×')} grid`);
    }
    this.id = id;
    this.dims = dims;
    this.mask = mask;
    this.lut = lut;
    this.style = style;
  }

  subscribe(listener: LayerListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The mask's labels changed inside `box` (or anywhere, for null). */
  changed(box: Box | null = null): void {
    this.version++;
    for (const l of [...this.listeners]) l(box);
  }

  /** Replaces every label (a reloaded revision); the array keeps its identity. */
  replace(labels: Uint8Array): void {
    this.mask.set(labels);
    this.changed(null);
  }

  setAppearance(a: { lut?: Uint32Array; style?: OverlayStyle; visible?: boolean }): void {
    if (a.lut) this.lut = a.lut;
    if (a.style) this.style = a.style;
    if (a.visible !== undefined) this.visible = a.visible;
    this.changed(null);
  }
}
