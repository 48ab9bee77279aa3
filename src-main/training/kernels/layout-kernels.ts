// Memory-bound kernels of U-Net training, as straight loops over NHWC float32 arrays: 2x2 stride-2 max
// pooling and its gradient, concatenation and splitting along channels, and the sum over every axis but
// the last (a bias gradient). tfjs's cpu backend runs these through generic index arithmetic (seconds per
// step at 128x128x16) and its wasm backend through transposes; here each is one pass. Pooling and the
// bias sum read and write the backend's own arrays (register-kernels.ts); the pooling gradient, concat and
// split run as SIMD in the convolution pool's module (wasm/conv_gemm.c), through block copies.
import type { ConvGemmPool } from './conv-gemm-pool';

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
 *  several are equal (as tfjs's reference kernel: ReLU outputs make all-zero windows common). Runs as
 *  SIMD in the pool's module (conv_gemm.c, max_pool_grad_2x2): the data-dependent branches of a JS loop
 *  cost ~25 ns an element, the copies into and out of the arena ~1 ns. */
export function maxPool2x2Grad(
  pool: ConvGemmPool,
  x: Float32Array,
  dy: Float32Array,
  B: number,
  H: number,
  W: number,
  C: number,
  dx: Float32Array,
): void {
  const n = B * H * W * C;
  const m = B * Math.floor(H / 2) * Math.floor(W / 2) * C;
  pool.reset();
  const xp = pool.alloc(n * 4);
  const dyp = pool.alloc(m * 4);
  const dxp = pool.alloc(n * 4);
  // Views only after every alloc: growing the memory may replace its buffer.
  pool.f32(xp, n).set(x.subarray(0, n));
  pool.f32(dyp, m).set(dy.subarray(0, m));
  pool.maxPoolGrad2x2(xp, dyp, dxp, B, H, W, C);
  dx.set(pool.f32(dxp, n));
}

/** Concatenation along the last axis: parts[k] is [pixels, widths[k]]; out is [pixels, sum(widths)].
 *  Each part is copied into the pool's arena whole, interleaved there by SIMD (copy_channels), and the
 *  result copied out: three block copies, several times faster than a per-channel JS loop. */
export function concatChannels(
  pool: ConvGemmPool,
  parts: Float32Array[],
  widths: number[],
  pixels: number,
  out: Float32Array,
): void {
  const total = widths.reduce((a, b) => a + b, 0);
  pool.reset();
  const srcs = widths.map((w) => pool.alloc(pixels * w * 4));
  const o = pool.alloc(pixels * total * 4);
  let off = 0;
  parts.forEach((src, k) => {
    const w = widths[k]!;
    pool.f32(srcs[k]!, pixels * w).set(src.subarray(0, pixels * w));
    pool.copyChannels({ at: o, stride: total, off }, { at: srcs[k]!, stride: w, off: 0 }, w, pixels);
    off += w;
  });
  out.set(pool.f32(o, pixels * total));
}

/** Split along the last axis: x [pixels, sum(widths)] into outs[k] [pixels, widths[k]] (as
 *  concatChannels, the other way). */
export function splitChannels(
  pool: ConvGemmPool,
  x: Float32Array,
  widths: number[],
  pixels: number,
  outs: Float32Array[],
): void {
  const total = widths.reduce((a, b) => a + b, 0);
  pool.reset();
  const xp = pool.alloc(pixels * total * 4);
  const dsts = widths.map((w) => pool.alloc(pixels * w * 4));
  pool.f32(xp, pixels * total).set(x.subarray(0, pixels * total));
  let off = 0;
  outs.forEach((dst, k) => {
    const w = widths[k]!;
    pool.copyChannels({ at: dsts[k]!, stride: w, off: 0 }, { at: xp, stride: total, off }, w, pixels);
    dst.set(pool.f32(dsts[k]!, pixels * w));
    off += w;
  });
}

/** out[c] = sum over rows of x[row][c] (x is [rows, C]), accumulated in double precision. */
export function sumRows(x: Float32Array, rows: number, C: number, out: Float32Array): void {
  const acc = new Float64Array(C);
  for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < C; c++, i++) acc[c]! += x[i]!;
  out.set(acc);
}
