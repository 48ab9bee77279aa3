// Memory-bound kernels of U-Net training, as straight loops over NHWC float32 arrays: 2x2 stride-2 max
// pooling and its gradient, concatenation and splitting along channels, and the sum over every axis but
// the last (a bias gradient). tfjs's cpu backend runs these through generic index arithmetic (seconds per
// step at 128x128x16) and its wasm backend through transposes; here each is one pass. They read and
// write the backend's own arrays (register-kernels.ts), so nothing is copied.

/** 2x2 stride-2 'valid' max pooling: x [B, H, W, C] -> y [B, floor(H/2), floor(W/2), C]. */
export function maxPool2x2(
  x: Float32Array,
  B: number,
  H: number,
  W: number,
  C: number,
  y: Float32Array,
): void {
  const oh = Math.floor(H / 2);
  const ow = Math.floor(W / 2);
  let o = 0;
  for (let b = 0; b < B; b++)
    for (let i = 0; i < oh; i++) {
      const r0 = (b * H + 2 * i) * W * C;
      const r1 = r0 + W * C;
      for (let j = 0; j < ow; j++) {
        const p = r0 + 2 * j * C;
        const q = r1 + 2 * j * C;
        for (let c = 0; c < C; c++, o++) {
          // Window order (0,0), (0,1), (1,0), (1,1); NaN propagates as in tfjs.
          let m = x[p + c]!;
          const v1 = x[p + C + c]!;
          const v2 = x[q + c]!;
          const v3 = x[q + C + c]!;
          if (v1 > m || Number.isNaN(v1)) m = v1;
          if (v2 > m || Number.isNaN(v2)) m = v2;
          if (v3 > m || Number.isNaN(v3)) m = v3;
          y[o] = m;
        }
      }
    }
}

/** Gradient of maxPool2x2: each dy goes to its window's maximum, the first one in window order when
 *  several are equal (as tfjs's reference kernel: ReLU outputs make all-zero windows common). */
export function maxPool2x2Grad(
  x: Float32Array,
  dy: Float32Array,
  B: number,
  H: number,
  W: number,
  C: number,
  dx: Float32Array,
): void {
  dx.fill(0);
  const oh = Math.floor(H / 2);
  const ow = Math.floor(W / 2);
  let o = 0;
  for (let b = 0; b < B; b++)
    for (let i = 0; i < oh; i++) {
      const r0 = (b * H + 2 * i) * W * C;
      const r1 = r0 + W * C;
      for (let j = 0; j < ow; j++) {
        const p = r0 + 2 * j * C;
        const q = r1 + 2 * j * C;
        for (let c = 0; c < C; c++, o++) {
          let at = p + c;
          let m = x[at]!;
          if (x[p + C + c]! > m) {
            at = p + C + c;
            m = x[at]!;
          }
          if (x[q + c]! > m) {
            at = q + c;
            m = x[at]!;
          }
          if (x[q + C + c]! > m) at = q + C + c;
          dx[at] = dy[o]!;
        }
      }
    }
}

/** Concatenation along the last axis: parts[k] is [pixels, widths[k]]; out is [pixels, sum(widths)]. */
export function concatChannels(
  parts: Float32Array[],
  widths: number[],
  pixels: number,
  out: Float32Array,
): void {
  const total = widths.reduce((a, b) => a + b, 0);
  let off = 0;
  parts.forEach((src, k) => {
    const w = widths[k]!;
    for (let p = 0; p < pixels; p++) {
      const s = p * w;
      const d = p * total + off;
      for (let c = 0; c < w; c++) out[d + c] = src[s + c]!;
    }
    off += w;
  });
}

/** Split along the last axis: x [pixels, sum(widths)] into outs[k] [pixels, widths[k]]. */
export function splitChannels(x: Float32Array, widths: number[], pixels: number, outs: Float32Array[]): void {
  const total = widths.reduce((a, b) => a + b, 0);
  let off = 0;
  outs.forEach((dst, k) => {
    const w = widths[k]!;
    for (let p = 0; p < pixels; p++) {
      const s = p * total + off;
      const d = p * w;
      for (let c = 0; c < w; c++) dst[d + c] = x[s + c]!;
    }
    off += w;
  });
}

/** out[c] = sum over rows of x[row][c] (x is [rows, C]), accumulated in double precision. */
export function sumRows(x: Float32Array, rows: number, C: number, out: Float32Array): void {
  const acc = new Float64Array(C);
  for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < C; c++, i++) acc[c]! += x[i]!;
  out.set(acc);
}
