// A label map read from a file (any voxel type, with its rescale) as mask labels: Uint8Array, 0..255.
import type { Rescale, VoxelArray } from '../volume/types';

/**
 * The labels of `values` (physical value = stored * slope + intercept), or a one-line reason they are not
 * a label map. With `asLabel`, every non-zero voxel becomes that label (a binary mask saved as 1 or 255).
 */
export function labelsOf(
  values: VoxelArray,
  rescale: Rescale,
  asLabel?: number,
): { ok: true; labels: Uint8Array } | { ok: false; reason: string } {
  const out = new Uint8Array(values.length);
  const { slope, intercept } = rescale;
  for (let n = 0; n < values.length; n++) {
    const v = Number(values[n]!) * slope + intercept;
    if (asLabel !== undefined) {
      if (Number.isNaN(v)) return { ok: false, reason: `voxel ${n} is NaN: not a label map` };
      if (v !== 0) out[n] = asLabel;
    } else if (!Number.isInteger(v) || v < 0 || v > 255) {
      return {
        ok: false,
        reason: `voxel ${n} holds ${v}: a label map holds integers 0..255 (use --label <value> for a binary mask)`,
      };
    } else out[n] = v;
  }
  return { ok: true, labels: out };
}
