// Intensity normalisation per modality, on real values (HU for CT), in the volume's own index layout:
//  - CT: clip to a window [center - width/2, center + width/2] and scale to [0, 1] (the same HU always
//    gives the same input, whatever the scanner);
//  - MR (no absolute scale): z-score per volume, (v - mean) / std over the volume's voxels (or over a
//    foreground mask, as nnU-Net's use_mask_for_norm), so each scan has mean 0 and standard deviation 1;
//  - fixed: (v - mean) / std with given numbers (e.g. a training set's, as bench quality does for the
//    8-bit LIDC crops).
// The trainer's byte transport (training/process/normalise.ts) keeps its CT window; these are the float
// forms the engine, inference and the augmentation preview use. The CT window is the domain model's.
import type { CtWindow } from '../../core/model';

export type IntensityNormalisation =
  CtWindow | { kind: 'zscore' } | { kind: 'fixed'; mean: number; std: number };

/** Lung window (HU): what the LIDC nodules are read in. */
export const CT_LUNG_WINDOW: IntensityNormalisation = { kind: 'ct-window', center: -600, width: 1500 };

export function normaliseVolume(
  values: ArrayLike<number>,
  norm: IntensityNormalisation,
  o: { slope?: number; intercept?: number; mask?: ArrayLike<number> } = {},
): Float32Array {
  const slope = o.slope ?? 1;
  const intercept = o.intercept ?? 0;
  const n = values.length;
  const out = new Float32Array(n);
  if (norm.kind === 'ct-window') {
    if (!(norm.width > 0)) throw new RangeError('CT window width must be > 0');
    const lo = norm.center - norm.width / 2;
    for (let i = 0; i < n; i++) {
      const t = (values[i]! * slope + intercept - lo) / norm.width;
      out[i] = t <= 0 ? 0 : t >= 1 ? 1 : t;
    }
    return out;
  }
  let mean: number;
  let std: number;
  if (norm.kind === 'fixed') {
    ({ mean, std } = norm);
  } else {
    if (o.mask && o.mask.length !== n) throw new RangeError('normalisation mask must match the volume');
    let s = 0;
    let s2 = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (o.mask && !o.mask[i]) continue;
      const v = values[i]! * slope + intercept;
      s += v;
      s2 += v * v;
      m++;
    }
    if (m === 0) throw new RangeError('z-score over no voxels (empty mask)');
    mean = s / m;
    std = Math.sqrt(Math.max(0, s2 / m - mean * mean));
  }
  const inv = 1 / Math.max(std, 1e-8);
  for (let i = 0; i < n; i++) out[i] = (values[i]! * slope + intercept - mean) * inv;
  return out;
}
