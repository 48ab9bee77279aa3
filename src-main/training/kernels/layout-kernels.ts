// Memory-bound kernels of U-Net training, as straight loops over NHWC float32 arrays: 2x2 stride-2 max
// pooling and its gradient, concatenation and splitting along channels, and the sum over every axis but
// the last (a bias gradient). tfjs's cpu backend runs these through generic index arithmetic (seconds per
// step at 128x128x16) and its wasm backend through transposes; here each is one pass. Pooling and small
// bias sums read and write the backend's own arrays (register-kernels.ts); the pooling gradient, concat,
// split and large bias sums run as SIMD in the convolution pool's module (wasm/conv_gemm.c) on its threads,
// on the backend's arrays where they lie in the pool's memory, else through block copies into its arena.
import type { ConvGemmPool } from './conv-gemm-pool';
import { addChunkSums, placed, writeInts } from './conv-arena';
import { filterGradChunks } from './conv-engine';

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
 *  cost ~25 ns an element, the copies into and out of the arena (when there are any) ~1 ns. */
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
  const xp = placed(pool, x, n);
  const dyp = placed(pool, dy, m);
  const direct = pool.offsetOf(dx);
  const dxp = direct ?? pool.alloc(n * 4);
  const oh = Math.floor(H / 2);
  if (oh === 0)
    pool.f32(dxp, n).fill(0); // no window: no gradient reaches x
  // PoolParams of conv_gemm.c: x, dy, dx, H, W, C.
  else pool.maxPoolGradRows(writeInts(pool, [xp, dyp, dxp, H, W, C]), B * oh, n);
  if (direct === null) dx.set(pool.f32(dxp, n));
}

/** Concatenation along the last axis: parts[k] is [pixels, widths[k]]; out is [pixels, sum(widths)].
 *  Interleaved by SIMD (copy_channels) in the pool's memory, the parts and the result copied there and
 *  back when they do not lie there already: several times faster than a per-channel JS loop. */
export function concatChannels(
  pool: ConvGemmPool,
  parts: Float32Array[],
  widths: number[],
  pixels: number,
  out: Float32Array,
): void {
  const total = widths.reduce((a, b) => a + b, 0);
  pool.reset();
  const srcs = parts.map((src, k) => placed(pool, src, pixels * widths[k]!));
  const direct = pool.offsetOf(out);
  const o = direct ?? pool.alloc(pixels * total * 4);
  let off = 0;
  widths.forEach((w, k) => {
    pool.copyChannels({ at: o, stride: total, off }, { at: srcs[k]!, stride: w, off: 0 }, w, pixels);
    off += w;
  });
  if (direct === null) out.set(pool.f32(o, pixels * total));
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
  const xp = placed(pool, x, pixels * total);
  let off = 0;
  outs.forEach((dst, k) => {
    const w = widths[k]!;
    const direct = pool.offsetOf(dst);
    const d = direct ?? pool.alloc(pixels * w * 4);
    pool.copyChannels({ at: d, stride: w, off: 0 }, { at: xp, stride: total, off }, w, pixels);
    if (direct === null) dst.set(pool.f32(d, pixels * w));
    off += w;
  });
}

/** Floats of a sum below which it stays a JavaScript loop here (no arena, no threads). */
const SMALL_SUM_FLOATS = 1 << 16;

/** out[c] = sum over rows of x[row][c] (x is [rows, C]), accumulated in double precision. A large sum runs
 *  in the pool's module (sum_rows) in a number of chunks fixed by the shape, added here in order, so the
 *  result does not depend on the thread count. */
export function sumRows(
  pool: ConvGemmPool,
  x: Float32Array,
  rows: number,
  C: number,
  out: Float32Array,
): void {
  if (rows * C >= SMALL_SUM_FLOATS) {
    pool.reset();
    const xp = placed(pool, x, rows * C);
    const chunks = filterGradChunks(rows);
    const partials = pool.alloc(chunks * C * 8);
    pool.sumRows(writeInts(pool, [xp, C]), rows, chunks, partials, C * 8);
    addChunkSums(pool, partials, chunks, C, out);
    return;
  }
  const acc = new Float64Array(C);
  for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < C; c++, i++) acc[c]! += x[i]!;
  out.set(acc);
}
