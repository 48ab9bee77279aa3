// The quick draft's parameters (quick-infer.ts), apart from the engine so that the host can record them in
// a draft's provenance without loading tfjs.

/** In-plane scale of the reduced grid the quick draft runs on. */
export const QUICK_SCALE = 0.5;

/** Tissue starts here (HU): lung parenchyma (about -850) and air fall below, fat and soft tissue above. */
export const BODY_HU = -500;
