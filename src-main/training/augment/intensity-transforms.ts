// Intensity augmentations of one image plane (h rows of w pixels, x + y*w), in place, on normalised
// values. Semantics of batchgeneratorsv2 (the transforms nnU-Net v2 trains with); see augment-config.ts.

/** Adds N(0, sigma^2) noise; normal() is a seeded standard-normal source. */
export function addGaussianNoise(img: Float32Array, sigma: number, normal: () => number): void {
  for (let i = 0; i < img.length; i++) img[i] = img[i]! + sigma * normal();
}

function gaussianKernel(sigma: number): Float64Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] = k[i]! / s;
  return k;
}

/** Separable Gaussian blur, sigma in pixels along x and y; borders repeat the edge pixel. */
export function gaussianBlur(img: Float32Array, w: number, h: number, sigmaX: number, sigmaY: number): void {
  const tmp = new Float32Array(img.length);
  const kx = gaussianKernel(sigmaX);
  const rx = (kx.length - 1) / 2;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let v = 0;
      for (let t = -rx; t <= rx; t++) v += kx[t + rx]! * img[Math.min(w - 1, Math.max(0, x + t)) + y * w]!;
      tmp[x + y * w] = v;
    }
  const ky = gaussianKernel(sigmaY);
  const ry = (ky.length - 1) / 2;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let v = 0;
      for (let t = -ry; t <= ry; t++) v += ky[t + ry]! * tmp[x + Math.min(h - 1, Math.max(0, y + t)) * w]!;
      img[x + y * w] = v;
    }
}

export function multiplyBrightness(img: Float32Array, m: number): void {
  for (let i = 0; i < img.length; i++) img[i] = img[i]! * m;
}

function stats(img: Float32Array): { mean: number; std: number; min: number; max: number } {
  let s = 0;
  let s2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of img) {
    s += v;
    s2 += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = s / img.length;
  return { mean, std: Math.sqrt(Math.max(0, s2 / img.length - mean * mean)), min, max };
}

/** (x - mean) * f + mean, then clipped to the plane's former [min, max] (preserve_range). */
export function adjustContrast(img: Float32Array, f: number): void {
  const { mean, min, max } = stats(img);
  for (let i = 0; i < img.length; i++) img[i] = Math.min(max, Math.max(min, (img[i]! - mean) * f + mean));
}

/** Gamma on the plane rescaled to [0, 1]; mean and standard deviation restored afterwards (retain
 *  stats). `invert`: on -x, negated back (brightens dark parts instead of bright ones). */
export function applyGamma(img: Float32Array, gamma: number, invert: boolean): void {
  if (invert) for (let i = 0; i < img.length; i++) img[i] = -img[i]!;
  const before = stats(img);
  const range = before.max - before.min + 1e-7;
  for (let i = 0; i < img.length; i++)
    img[i] = Math.pow((img[i]! - before.min) / range, gamma) * range + before.min;
  const after = stats(img);
  const k = before.std / (after.std + 1e-7);
  for (let i = 0; i < img.length; i++) img[i] = (img[i]! - after.mean) * k + before.mean;
  if (invert) for (let i = 0; i < img.length; i++) img[i] = -img[i]!;
}

/** Nearest down-sampling to round(w*zoom) x round(h*zoom), then bilinear back to w x h (pixel centres
 *  aligned, edges clamped), as SimulateLowResolutionTransform. */
export function simulateLowResolution(img: Float32Array, w: number, h: number, zoom: number): void {
  const ws = Math.max(1, Math.round(w * zoom));
  const hs = Math.max(1, Math.round(h * zoom));
  const small = new Float32Array(ws * hs);
  for (let y = 0; y < hs; y++) {
    const sy = Math.min(h - 1, Math.floor(((y + 0.5) * h) / hs));
    for (let x = 0; x < ws; x++)
      small[x + y * ws] = img[Math.min(w - 1, Math.floor(((x + 0.5) * w) / ws)) + sy * w]!;
  }
  for (let y = 0; y < h; y++) {
    const fy = Math.min(hs - 1, Math.max(0, ((y + 0.5) * hs) / h - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(hs - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(ws - 1, Math.max(0, ((x + 0.5) * ws) / w - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(ws - 1, x0 + 1);
      const tx = fx - x0;
      const top = small[x0 + y0 * ws]! * (1 - tx) + small[x1 + y0 * ws]! * tx;
      const bottom = small[x0 + y1 * ws]! * (1 - tx) + small[x1 + y1 * ws]! * tx;
      img[x + y * w] = top * (1 - ty) + bottom * ty;
    }
  }
}
