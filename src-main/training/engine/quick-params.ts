// The quick draft's parameters (quick-infer.ts), apart from the engine so that the host can record them in
// a draft's provenance, and the CLI offer the quick preset, without loading tfjs.

/** In-plane scale the quick draft runs at: 1, the model's own resolution. Half (0.5, `bench infer --quick
 *  --scale 0.5`) quarters the compute but cost most of the Dice on the LIDC hold-out with a model trained
 *  at full resolution (README), so the quick draft's speed comes from the body's box and a quick model. */
export const QUICK_SCALE = 1;

/** Tissue starts here (HU): lung parenchyma (about -850) and air fall below, fat and soft tissue above. */
export const BODY_HU = -500;

/** `train --preset quick`: one U-Net (no ensemble) with 3 levels and 8 filters at the first, about a sixth
 *  of the reference network's convolution work per slice (forwardGflop: 3.2 against 18.4 GFLOP on
 *  512x512). Its shape is stored with the model (config), so inference runs it as trained. */
export const QUICK_PRESET = { levels: 3, base: 8, members: 1 } as const;
