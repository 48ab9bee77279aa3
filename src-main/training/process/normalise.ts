// Intensity normalisation shared by training-data preparation (main process) and inference (trainer
// process), so a model sees the same values in both. Output: one byte per voxel, 0..255 standing for
// [0, 1] after clipping (CT: the HU window [center - width/2, center + width/2]; MR: z-score per volume,
// the range mean +- 5 standard deviations, so byte/255 = (z + 5) / 10; other modalities: the volume's
// 0.5th..99.5th percentiles). A byte per voxel keeps a 512x512x300 CT at 75 MiB in transit; the
// quantisation step (width/255, about 6 HU for a 1500 HU window) is far below what a mask depends on.
import type { Normalisation } from '../../core/model';

export const DEFAULT_CT_WINDOW: Normalisation = { kind: 'ct-window', center: -600, width: 1500 };

export interface RawVoxels {
  /** Stored values, i fastest (i + j*nx + k*nx*ny). */
  data: ArrayLike<number>;
  /** Real value = slope * stored + intercept (HU for CT). */
  rescale: { slope: number; intercept: number };
}

/** Standard deviations either side of the mean that a z-scored volume keeps (nnU-Net does not clip MR
 *  z-scores, but the byte transport needs a range; beyond 5 std lie a few bright voxels of fat or vessels). */
export const ZSCORE_CLIP = 5;

/** The default for a volume: the CT window for CT (or unknown modality with HU-like values), the z-score
 *  for MR (no absolute intensity scale), else percentiles. */
export function defaultNormalisation(modality: string | null, minValue: number): Normalisation {
  if (modality === 'CT' || (modality === null && minValue < -500)) return DEFAULT_CT_WINDOW;
  if (modality === 'MR') return { kind: 'zscore' };
  return { kind: 'percentile', low: 0.5, high: 99.5 };
}

/** Mean and standard deviation of the real values (slope * stored + intercept) over every voxel. */
function meanStd(v: RawVoxels): [number, number] {
  const { slope, intercept } = v.rescale;
  let s = 0;
  let s2 = 0;
  const n = v.data.length;
  for (let i = 0; i < n; i++) {
    const x = v.data[i]! * slope + intercept;
    s += x;
    s2 += x * x;
  }
  const mean = s / Math.max(1, n);
  return [mean, Math.sqrt(Math.max(0, s2 / Math.max(1, n) - mean * mean))];
}

function percentiles(v: RawVoxels, lowPct: number, highPct: number): [number, number] {
  const n = v.data.length;
  // A strided sample of at most 1M voxels is enough for percentiles of a whole volume.
  const step = Math.max(1, Math.floor(n / 1_000_000));
  const sample = new Float64Array(Math.ceil(n / step));
  let m = 0;
  for (let i = 0; i < n; i += step) sample[m++] = v.data[i]! * v.rescale.slope + v.rescale.intercept;
  const s = sample.subarray(0, m).sort();
  const at = (p: number) => s[Math.min(m - 1, Math.max(0, Math.round((p / 100) * (m - 1))))]!;
  return [at(lowPct), at(highPct)];
}

/** The clip range [lo, hi] in real units for a volume. */
export function clipRange(v: RawVoxels, norm: Normalisation): [number, number] {
  if (norm.kind === 'ct-window') return [norm.center - norm.width / 2, norm.center + norm.width / 2];
  if (norm.kind === 'zscore') {
    const [mean, std] = meanStd(v);
    // A constant volume has no spread: any width maps it to the middle byte.
    const half = ZSCORE_CLIP * (std > 0 ? std : 1);
    return [mean - half, mean + half];
  }
  const [lo, hi] = percentiles(v, norm.low, norm.high);
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/** Normalised bytes of a whole volume (same index layout). */
export function normaliseToBytes(v: RawVoxels, norm: Normalisation): Uint8Array {
  const [lo, hi] = clipRange(v, norm);
  const scale = 255 / (hi - lo);
  const { slope, intercept } = v.rescale;
  const out = new Uint8Array(v.data.length);
  for (let i = 0; i < out.length; i++) {
    const x = (v.data[i]! * slope + intercept - lo) * scale;
    out[i] = x <= 0 ? 0 : x >= 255 ? 255 : Math.round(x);
  }
  return out;
}
