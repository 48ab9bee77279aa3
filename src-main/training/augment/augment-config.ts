// Augmentation settings: each transform has an apply probability (per sample) and a range. The defaults
// are nnU-Net's 2D training pipeline, read from MIC-DKFZ/nnUNet (commit 017de4ad),
// nnunetv2/training/nnUNetTrainer/nnUNetTrainer.py: get_training_transforms and, for the rotation range,
// configure_rotation_dummyDA_mirroring_and_inital_patch_size (2D, patch aspect ratio <= 1.5: +-180 deg);
// the transforms' semantics are those of batchgeneratorsv2 (noted per field). nnU-Net draws several
// intensity parameters with BGContrast((lo, hi)): with probability 1/2 uniform in (lo, 1), else in (1, hi)
// (so shrinking and growing are equally likely); `split: true` below means that rule.
// Intensity transforms work on normalised images (after normalise.ts), as in nnU-Net, and treat all input
// channels alike: the channels here are neighbouring slices of one modality (2.5D), not modalities.

export interface Range {
  lo: number;
  hi: number;
  /** BGContrast sampling: half the time in (lo, 1), else in (1, hi). */
  split?: boolean;
}

export interface AugmentConfig {
  /** Rotation in the slice plane, angle in radians: SpatialTransform p_rotation 0.2, (-pi, pi). */
  rotation: { p: number; range: Range };
  /** Isotropic scaling of the sampling grid (> 1 shows more of the slice, objects look smaller):
   *  SpatialTransform p_scaling 0.2, scaling (0.7, 1.4), one factor for both axes. */
  scaling: { p: number; range: Range };
  /** Mirroring, each axis (i, then j) on its own with probability pPerAxis: MirrorTransform, axes (0, 1),
   *  each with probability 0.5. */
  mirror: { pPerAxis: number };
  /** Additive Gaussian noise, standard deviation drawn in range (batchgeneratorsv2 calls it
   *  noise_variance but uses the drawn value as sigma): p 0.1, (0, 0.1). */
  noise: { p: number; sigma: Range };
  /** Gaussian blur, sigma in pixels drawn per axis: p 0.2, (0.5, 1.0), each channel with p 0.5. */
  blur: { p: number; sigma: Range; pPerChannel: number };
  /** Multiplicative brightness x*m: p 0.15, BGContrast (0.75, 1.25). */
  brightness: { p: number; multiplier: Range };
  /** Contrast (x - mean) * f + mean, clipped back to the slice's former [min, max] (preserve_range):
   *  p 0.15, BGContrast (0.75, 1.25). */
  contrast: { p: number; factor: Range };
  /** Gamma on the slice rescaled to [0, 1], mean and standard deviation restored afterwards
   *  (p_retain_stats 1): p 0.3, BGContrast (0.7, 1.5); and the same on the inverted image with p 0.1. */
  gamma: { p: number; pInverted: number; gamma: Range };
  /** Low-resolution simulation: nearest down-sampling by a zoom drawn in range, bilinear back up;
   *  p 0.25, zoom (0.5, 1), each channel with p 0.5. */
  lowResolution: { p: number; zoom: Range; pPerChannel: number };
}

export const NNUNET_2D_DEFAULTS: AugmentConfig = {
  rotation: { p: 0.2, range: { lo: -Math.PI, hi: Math.PI } },
  scaling: { p: 0.2, range: { lo: 0.7, hi: 1.4 } },
  mirror: { pPerAxis: 0.5 },
  noise: { p: 0.1, sigma: { lo: 0, hi: 0.1 } },
  blur: { p: 0.2, sigma: { lo: 0.5, hi: 1 }, pPerChannel: 0.5 },
  brightness: { p: 0.15, multiplier: { lo: 0.75, hi: 1.25, split: true } },
  contrast: { p: 0.15, factor: { lo: 0.75, hi: 1.25, split: true } },
  gamma: { p: 0.3, pInverted: 0.1, gamma: { lo: 0.7, hi: 1.5, split: true } },
  lowResolution: { p: 0.25, zoom: { lo: 0.5, hi: 1 }, pPerChannel: 0.5 },
};

/** Every probability 0: the identity (validation, inference). */
export const NO_AUGMENTATION: AugmentConfig = {
  ...NNUNET_2D_DEFAULTS,
  rotation: { ...NNUNET_2D_DEFAULTS.rotation, p: 0 },
  scaling: { ...NNUNET_2D_DEFAULTS.scaling, p: 0 },
  mirror: { pPerAxis: 0 },
  noise: { ...NNUNET_2D_DEFAULTS.noise, p: 0 },
  blur: { ...NNUNET_2D_DEFAULTS.blur, p: 0 },
  brightness: { ...NNUNET_2D_DEFAULTS.brightness, p: 0 },
  contrast: { ...NNUNET_2D_DEFAULTS.contrast, p: 0 },
  gamma: { ...NNUNET_2D_DEFAULTS.gamma, p: 0, pInverted: 0 },
  lowResolution: { ...NNUNET_2D_DEFAULTS.lowResolution, p: 0 },
};

/** Partial settings over the defaults: `{ rotation: { p: 0.5 } }` keeps rotation's default range. */
export type AugmentOverrides = { [K in keyof AugmentConfig]?: Partial<AugmentConfig[K]> };

export function augmentConfig(
  o: AugmentOverrides = {},
  base: AugmentConfig = NNUNET_2D_DEFAULTS,
): AugmentConfig {
  const out = { ...base } as Record<keyof AugmentConfig, unknown>;
  for (const k of Object.keys(o) as (keyof AugmentConfig)[]) out[k] = { ...base[k], ...o[k] };
  const c = out as unknown as AugmentConfig;
  validateAugmentConfig(c);
  return c;
}

/** Throws a RangeError naming the first setting out of range. */
export function validateAugmentConfig(c: AugmentConfig): void {
  const prob = (v: number, what: string): void => {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`augmentation ${what} must be a probability in [0, 1]`);
  };
  const range = (r: Range, what: string, min: number): void => {
    if (!(Number.isFinite(r.lo) && Number.isFinite(r.hi) && r.lo <= r.hi && r.lo >= min))
      throw new RangeError(`augmentation ${what} range must be finite, lo <= hi, lo >= ${min}`);
  };
  prob(c.rotation.p, 'rotation.p');
  range(c.rotation.range, 'rotation', -2 * Math.PI);
  prob(c.scaling.p, 'scaling.p');
  range(c.scaling.range, 'scaling', 0.05);
  prob(c.mirror.pPerAxis, 'mirror.pPerAxis');
  prob(c.noise.p, 'noise.p');
  range(c.noise.sigma, 'noise sigma', 0);
  prob(c.blur.p, 'blur.p');
  prob(c.blur.pPerChannel, 'blur.pPerChannel');
  range(c.blur.sigma, 'blur sigma', 0);
  prob(c.brightness.p, 'brightness.p');
  range(c.brightness.multiplier, 'brightness', 0);
  prob(c.contrast.p, 'contrast.p');
  range(c.contrast.factor, 'contrast', 0);
  prob(c.gamma.p, 'gamma.p');
  prob(c.gamma.pInverted, 'gamma.pInverted');
  range(c.gamma.gamma, 'gamma', 0.01);
  prob(c.lowResolution.p, 'lowResolution.p');
  prob(c.lowResolution.pPerChannel, 'lowResolution.pPerChannel');
  range(c.lowResolution.zoom, 'lowResolution zoom', 0.05);
  if (c.lowResolution.zoom.hi > 1) throw new RangeError('augmentation lowResolution zoom must be <= 1');
}
