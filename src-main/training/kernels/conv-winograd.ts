// Winograd convolution for the 3x3 stride-1 layers of conv-engine.ts (wasm/winograd.c): output tiles of
// m x m pixels, m = 4 where the output's sides are multiples of 4 (F(4x4, 3x3): 36 multiplies per tile
// and channel pair for 16 outputs, a quarter of the direct kernel's), else m = 2 where they are even
// (F(2x2, 3x3): 16 for 4). The module transforms the filter (U = G g G^T per channel pair) and packs it as
// [a^2][N/8][C][8], a = m + 2; it transforms input tiles, multiplies and transforms back, and for the
// filter gradient accumulates dU and returns dW = G^T dU G. Layouts as in conv-engine.ts: NHWC
// activations; inputs are read where they lie, the zero padding supplied by the module at the border.
import type { ConvGemmPool } from './conv-gemm-pool';
import { placed, writeInts } from './conv-arena';
import type { ConvGeometry } from './conv-engine';

/** The output tile side a stride-1 convolution of a fh x fw filter into outH x outW pixels from C input
 *  channels takes: 4 or 2 for a 3x3 filter whose output divides into whole tiles, with C a multiple of 4
 *  (the module transforms 4 channels at a time); 0 for the direct kernel. */
export function winogradTile(fh: number, fw: number, outH: number, outW: number, C: number): 0 | 2 | 4 {
  if (fh !== 3 || fw !== 3 || outH <= 0 || outW <= 0 || C % 4 !== 0) return 0;
  if (outH % 4 === 0 && outW % 4 === 0) return 4;
  return outH % 2 === 0 && outW % 2 === 0 ? 2 : 0;
}

/** Winograd for the 3x3 stride-1 layers unless CONCORD_CONV_WINOGRAD=0 (the direct kernels alone, to
 *  compare the two on one machine). */
const WINOGRAD = process.env['CONCORD_CONV_WINOGRAD'] !== '0';

/** The Winograd tile side for a convolution of geometry g producing outH x outW pixels from C channels
 *  (see winogradTile; stride 1 only), or 0 for the direct kernel. */
export function tileFor(g: ConvGeometry, outH: number, outW: number, C: number): 0 | 2 | 4 {
  return WINOGRAD && g.sh === 1 && g.sw === 1 ? winogradTile(g.fh, g.fw, outH, outW, C) : 0;
}

/** Where tap (ky, kx) of channel pair (c, n) of a filter lies: w[k' * kStride + c * cStride + n * nStride]
 *  with k' = 8 - (3 ky + kx) when `flip` (the input gradient's rotated filter), else 3 ky + kx; rows
 *  c >= cValid read as zero. */
export interface FilterLayout {
  w: Float32Array;
  cValid: number;
  cStride: number;
  nStride: number;
  kStride: number;
  flip: boolean;
}

/** U[xi][nb][c][j] = (G g G^T)[xi] for the 3x3 filter g of channel pair (c, n = 8 nb + j), zero for n >= N:
 *  wino_filter of winograd.c on the pool's threads. Returns the byte offset of U in the arena. */
export function packWinogradFilter(
  pool: ConvGemmPool,
  m: 2 | 4,
  C: number,
  N: number,
  f: FilterLayout,
): number {
  const N8 = Math.ceil(N / 8) * 8;
  const a2 = (m + 2) * (m + 2);
  const w = placed(pool, f.w, 9 * f.kStride);
  const at = pool.alloc(a2 * C * N8 * 4);
  // WinoFilterParams of winograd.c: w, C, N, cValid, cStride, nStride, kStride, flip, m, u.
  const params = writeInts(pool, [w, C, N, f.cValid, f.cStride, f.nStride, f.kStride, f.flip ? 1 : 0, m, at]);
  pool.winogradFilter(params, C, a2 * C * N8);
  return at;
}

/** Tiles per block: V [a^2][T][C] stays near 256 KiB (a core's share of cache), T a multiple of 4 in
 *  [4, 64]. */
export function winogradBlockTiles(m: 2 | 4, C: number): number {
  const a2 = (m + 2) * (m + 2);
  return Math.max(4, Math.min(64, Math.floor(65536 / (a2 * C) / 4) * 4));
}

/** A Winograd convolution's input as stored: byte offset `at`, [B][H][W][C]; the convolution reads it
 *  as if padTop zero rows lay above it and padLeft zero columns left of it (and zeros below and right
 *  as far as the tiles reach), without a padded copy. An input already padded has padTop = padLeft = 0. */
export interface WinogradInput {
  at: number;
  H: number;
  W: number;
  padTop: number;
  padLeft: number;
}

/** The WinogradInput of src [B][H][W][C] (where it lies in the pool's memory, else a copy) read with
 *  padTop rows and padLeft columns of zeros before it. */
export function unpadded(
  pool: ConvGemmPool,
  src: Float32Array,
  H: number,
  W: number,
  C: number,
  B: number,
  padTop: number,
  padLeft: number,
): WinogradInput {
  return { at: placed(pool, src, B * H * W * C), H, W, padTop, padLeft };
}

/** The input's fields that open both parameter blocks (in, inImg, inRow, C) and that close them (H, W,
 *  padTop, padLeft). */
const inputHead = (x: WinogradInput, C: number): number[] => [x.at, x.H * x.W * C, x.W * C, C];
const inputTail = (x: WinogradInput): number[] => [x.H, x.W, x.padTop, x.padLeft];

/** One Winograd convolution on the pool: `input` as WinogradInput, `u` the packed filter, `out` where the
 *  [B][m TH][m TW][N] output goes (image, row and pixel strides in floats); bias is a byte offset (N
 *  floats) or 0. */
export function winogradConv(
  pool: ConvGemmPool,
  a: {
    m: 2 | 4;
    input: WinogradInput;
    B: number;
    C: number;
    u: number;
    out: number;
    outImg: number;
    outRow: number;
    outPix: number;
    N: number;
    TH: number;
    TW: number;
    bias: number;
    relu: boolean;
  },
): void {
  const { input: x } = a;
  const T = winogradBlockTiles(a.m, a.C);
  // WinoParams of winograd.c: in, inImg, inRow, C, u, out, outImg, outRow, outPix, N, TH, TW, T, bias, relu, m,
  // H, W, padTop, padLeft.
  const params = writeInts(pool, [
    ...inputHead(x, a.C),
    a.u,
    a.out,
    a.outImg,
    a.outRow,
    a.outPix,
    a.N,
    a.TH,
    a.TW,
    T,
    a.bias,
    a.relu ? 1 : 0,
    a.m,
    ...inputTail(x),
  ]);
  const tiles = a.B * a.TH * a.TW;
  const chunks = Math.min(Math.ceil(tiles / 4), 8 * pool.threads);
  const a2 = (a.m + 2) * (a.m + 2);
  // Each chunk's scratch: V [a^2][T][C] and M [a^2][T][8], planes PLANE_PAD (16) floats apart.
  const stride = Math.ceil((a2 * (T * (a.C + 8) + 2 * 16) * 4) / 64) * 64;
  const scratch = pool.alloc(chunks * stride);
  pool.winograd(params, tiles, chunks, scratch, stride);
}

/** How many partial sums a Winograd filter gradient over `tiles` tiles is cut into: fixed by the shape
 *  alone (so results do not depend on the thread count), each at least 64 tiles, at most 8. */
export function winogradDwChunks(tiles: number): number {
  return Math.max(1, Math.min(8, Math.floor(tiles / 64)));
}

/** Winograd filter gradient on the pool: `input` as winogradConv's, `dy`
 *  the output gradient's ([B][m TH][m TW] pixels of N channels at these float strides). Returns the byte
 *  offset of dW laid out [9 * C][N] (row (ky * 3 + kx) * C + c), the direct filter gradient's layout. */
export function winogradFilterGrad(
  pool: ConvGemmPool,
  a: {
    m: 2 | 4;
    input: WinogradInput;
    B: number;
    C: number;
    dy: number;
    dyImg: number;
    dyRow: number;
    dyPix: number;
    N: number;
    TH: number;
    TW: number;
  },
): number {
  const { input: x } = a;
  const T = winogradBlockTiles(a.m, Math.max(a.C, a.N));
  // WinoDwParams of winograd.c: in, inImg, inRow, C, dy, dyImg, dyRow, dyPix, N, TH, TW, T, m, H, W, padTop,
  // padLeft.
  const params = writeInts(pool, [
    ...inputHead(x, a.C),
    a.dy,
    a.dyImg,
    a.dyRow,
    a.dyPix,
    a.N,
    a.TH,
    a.TW,
    T,
    a.m,
    ...inputTail(x),
  ]);
  const tiles = a.B * a.TH * a.TW;
  const chunks = winogradDwChunks(tiles);
  const a2 = (a.m + 2) * (a.m + 2);
  const du = a2 * a.C * a.N;
  // Each chunk's block: its partial dU, then its scratch V [a^2][T][C] and Yh [a^2][T][N], planes
  // PLANE_PAD (16) floats apart.
  const stride = Math.ceil((du + a2 * (T * (a.C + a.N) + 2 * 16)) / 16) * 16;
  const blocks = pool.alloc(chunks * stride * 4);
  pool.winogradDw(params, tiles, chunks, blocks, stride * 4);
  const sum = pool.alloc(du * 4);
  pool.sumPartials(sum, blocks, du, chunks, stride);
  const dw = pool.alloc(9 * a.C * a.N * 4);
  pool.winogradDwFilter(sum, a.C, a.N, dw, a.m);
  return dw;
}

/** The input gradient of a 3x3 convolution (filter w HWIO [3][3][inC][outC]) by Winograd: a forward
 *  convolution of the output gradient `input` (C channels as stored, the first outC of them real) with
 *  the rotated, transposed filter, into dx [B][m TH][m TW] pixels of Nx channels (inC rounded up to 8)
 *  at byte offset `out`. */
export function winogradInputGrad(
  pool: ConvGemmPool,
  a: {
    m: 2 | 4;
    w: Float32Array;
    inC: number;
    outC: number;
    input: WinogradInput;
    B: number;
    C: number;
    out: number;
    inH: number;
    inW: number;
  },
): void {
  const Nx = Math.ceil(a.inC / 8) * 8;
  const u = packWinogradFilter(pool, a.m, a.C, a.inC, {
    w: a.w,
    cValid: a.outC,
    cStride: 1,
    nStride: a.outC,
    kStride: a.inC * a.outC,
    flip: true,
  });
  winogradConv(pool, {
    m: a.m,
    input: a.input,
    B: a.B,
    C: a.C,
    u,
    out: a.out,
    outImg: a.inH * a.inW * Nx,
    outRow: a.inW * Nx,
    outPix: Nx,
    N: Nx,
    TH: a.inH / a.m,
    TW: a.inW / a.m,
    bias: 0,
    relu: false,
  });
}
