// Where a convolution's operands lie in the pool's memory (conv-gemm-pool.ts): the helpers of
// conv-engine.ts that place inputs (zero-padded, so the kernels check no bounds), pack weights as
// [ceil(N/8)][M][8] panels, lay out the receptive-field offsets and parameter blocks of conv_gemm.c, and
// say where outputs go. An operand that already lies in the pool's memory (pool.offsetOf: the wasm
// backend's tensors when the pool runs on its heap) and needs no padding is used where it lies; an output
// whose channels are a multiple of 8 is written in place. Offsets are bytes; sizes are floats.
import type { ConvGemmPool } from './conv-gemm-pool';

export const ceilTo = (n: number, m: number): number => Math.ceil(n / m) * m;

/** Field order of ConvParams in conv_gemm.c (all 32-bit). */
export interface ConvParams {
  in: number;
  inImg: number;
  inRow: number;
  inPix: number;
  mOff: number;
  M: number;
  w: number;
  out: number;
  outImg: number;
  outRow: number;
  outPix: number;
  dy: number;
  dyImg: number;
  dyRow: number;
  dyPix: number;
  N: number;
  OH: number;
  OW: number;
  bias: number;
  relu: number;
}
const PARAM_FIELDS: (keyof ConvParams)[] = [
  'in',
  'inImg',
  'inRow',
  'inPix',
  'mOff',
  'M',
  'w',
  'out',
  'outImg',
  'outRow',
  'outPix',
  'dy',
  'dyImg',
  'dyRow',
  'dyPix',
  'N',
  'OH',
  'OW',
  'bias',
  'relu',
];

export function writeParams(pool: ConvGemmPool, p: ConvParams): number {
  const at = pool.alloc(PARAM_FIELDS.length * 4);
  const v = pool.i32(at, PARAM_FIELDS.length);
  PARAM_FIELDS.forEach((k, i) => (v[i] = p[k]));
  return at;
}

/** A parameter block of 32-bit values (pointers and sizes) for the module's row-parallel functions. */
export function writeInts(pool: ConvGemmPool, values: number[]): number {
  const at = pool.alloc(values.length * 4);
  pool.i32(at, values.length).set(values);
  return at;
}

/** out[c] = the sum over k < chunks of the doubles at `at` laid out [chunks][C]: per-chunk partial sums
 *  added in chunk order, so the result does not depend on which thread made which chunk. */
export function addChunkSums(
  pool: ConvGemmPool,
  at: number,
  chunks: number,
  C: number,
  out: Float32Array,
): void {
  const parts = new Float64Array(pool.memory.buffer, at, chunks * C);
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let k = 0; k < chunks; k++) sum += parts[k * C + c]!;
    out[c] = sum;
  }
}

/** Byte offset of src's first n floats in the pool's memory: where it lies, or a copy in the arena. */
export function placed(pool: ConvGemmPool, src: Float32Array, n: number): number {
  const at = pool.offsetOf(src);
  if (at !== null) return at;
  const p = pool.alloc(n * 4);
  pool.f32(p, n).set(src.subarray(0, n));
  return p;
}

/** Where a kernel writes `count` pixels of N8 channels for `out` ([count, N]): `out` itself when it lies
 *  in the pool's memory and N8 = N, else a block of the arena (then copied out by finish). */
export function target(pool: ConvGemmPool, out: Float32Array, count: number, N8: number, N: number) {
  const direct = N8 === N ? pool.offsetOf(out) : null;
  const at = direct ?? pool.alloc(count * N8 * 4);
  return {
    at,
    finish: (): void => {
      if (direct === null) unpadChannels(pool.f32(at, count * N8), count, N8, N, out);
    },
  };
}

/** Copies src [B, H, W, C] into the arena as [B, Hp, Wp, C] with its pixel (0, 0) at (top, left) and
 *  zeros elsewhere; source pixels that fall outside Hp x Wp are dropped (no output reads them). Without
 *  padding, src is used where it lies when it is in the pool's memory; with padding, a src there is
 *  copied by the pool's threads (pad_rows), one from elsewhere row by row here. */
export function copyPadded(
  pool: ConvGemmPool,
  src: Float32Array,
  B: number,
  H: number,
  W: number,
  C: number,
  Hp: number,
  Wp: number,
  top: number,
  left: number,
): number {
  if (top === 0 && left === 0 && Hp === H && Wp === W) return placed(pool, src, B * H * W * C);
  const from = pool.offsetOf(src);
  const at = pool.alloc(B * Hp * Wp * C * 4);
  const x0 = Math.min(Math.max(0, left), Wp);
  const x1 = Math.max(x0, Math.min(Wp, left + W)); // dst columns [x0, x1) come from the source
  if (from !== null) {
    // PadParams of conv_gemm.c: src, dst, H, Hp, top, srcRow, dstRow, lead, copy, srcOff.
    const params = writeInts(pool, [
      from,
      at,
      H,
      Hp,
      top,
      W * C,
      Wp * C,
      x0 * C,
      (x1 - x0) * C,
      (x0 - left) * C,
    ]);
    pool.padRows(params, B * Hp, B * Hp * Wp * C);
    return at;
  }
  const dst = pool.f32(at, B * Hp * Wp * C);
  for (let b = 0; b < B; b++) {
    for (let yy = 0; yy < Hp; yy++) {
      const d = (b * Hp + yy) * Wp * C;
      const y = yy - top;
      if (y < 0 || y >= H || x1 <= x0) {
        dst.fill(0, d, d + Wp * C);
        continue;
      }
      dst.fill(0, d, d + x0 * C);
      const s = ((b * H + y) * W + (x0 - left)) * C;
      dst.set(src.subarray(s, s + (x1 - x0) * C), d + x0 * C);
      dst.fill(0, d + x1 * C, d + Wp * C);
    }
  }
  return at;
}

/** Packs B[m][n] = get(m, n) (m < M, n < N) as [ceil(N/8)][M][8] with zero columns beyond N. */
export function packPanels(
  pool: ConvGemmPool,
  M: number,
  N: number,
  get: (m: number, n: number) => number,
): number {
  const N8 = ceilTo(N, 8);
  const at = pool.alloc(M * N8 * 4);
  const v = pool.f32(at, M * N8);
  for (let cb = 0; cb < N8 / 8; cb++) {
    for (let m = 0; m < M; m++) {
      const d = (cb * M + m) * 8;
      for (let j = 0; j < 8; j++) {
        const n = cb * 8 + j;
        v[d + j] = n < N ? get(m, n) : 0;
      }
    }
  }
  return at;
}

/** Receptive-field offsets (in floats) for a filter fh x fw over C channels of a Wp-wide padded input,
 *  m = (ky * fw + kx) * C + c, padded with zeros up to `padTo` entries. */
export function receptiveOffsets(
  pool: ConvGemmPool,
  fh: number,
  fw: number,
  C: number,
  Wp: number,
  padTo: number,
): number {
  const M = fh * fw * C;
  const at = pool.alloc(Math.max(M, padTo) * 4);
  const v = pool.i32(at, Math.max(M, padTo));
  let m = 0;
  for (let ky = 0; ky < fh; ky++)
    for (let kx = 0; kx < fw; kx++) for (let c = 0; c < C; c++) v[m++] = (ky * Wp + kx) * C + c;
  for (; m < padTo; m++) v[m] = 0;
  return at;
}

/** Copies a [count, N8] arena array to [count, N] (drops the zero padding channels). */
export function unpadChannels(
  src: Float32Array,
  count: number,
  N8: number,
  N: number,
  out: Float32Array,
): void {
  if (N8 === N) {
    out.set(src.subarray(0, count * N));
    return;
  }
  for (let i = 0; i < count; i++) for (let n = 0; n < N; n++) out[i * N + n] = src[i * N8 + n]!;
}
