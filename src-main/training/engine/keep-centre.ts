// Post-processing of a predicted 2D mask for crops cut around their object (bench/lidc/centre-distance.ts):
// keep the connected components (4-connected) that reach within `radius` pixels of the slice's centre, drop
// the rest. It is nnU-Net's "keep the largest component" with the crop's own prior instead of size: on the
// LIDC crops the false positives it removes are vessels and other structures away from the nodule.
// Layout x + y*width; 1 foreground, 0 background.
import { components } from '../../core/labelling/connected';

export function keepCentreComponents(
  mask: Uint8Array,
  width: number,
  height: number,
  radius: number,
): Uint8Array {
  if (!(radius >= 0)) throw new RangeError('radius must be >= 0');
  if (mask.length !== width * height) throw new RangeError('mask size does not match width x height');
  const c = components(mask, [width, height, 1], [0, width, 0, height, 0, 1], { mode: '3d' }, (l) => l !== 0);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const keep = new Set<number>();
  const y0 = Math.max(0, Math.floor(cy - radius));
  const y1 = Math.min(height - 1, Math.ceil(cy + radius));
  const x0 = Math.max(0, Math.floor(cx - radius));
  const x1 = Math.min(width - 1, Math.ceil(cx + radius));
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      const id = c.ids[x + y * width]!;
      if (id !== 0 && Math.hypot(x - cx, y - cy) <= radius) keep.add(id);
    }
  const out = new Uint8Array(mask.length);
  for (let p = 0; p < mask.length; p++) out[p] = keep.has(c.ids[p]!) ? 1 : 0;
  return out;
}
