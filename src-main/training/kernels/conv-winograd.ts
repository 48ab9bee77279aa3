// Winograd F(2x2, 3x3) for the 3x3 stride-1 convolutions of conv-engine.ts (wino_fwd in wasm/conv_gemm.c):
// 16 multiplies per 2x2 output tile, input channel and output channel where the direct kernel needs 36.
// The filter is transformed here (U = G g G^T per channel pair) and packed as [16][N/8][C][8]; the module
// transforms input tiles, multiplies and transforms the results back, tile by tile. Layouts as in
// conv-engine.ts: NHWC activations, the input already zero-padded to 2 * TH + 2 rows, 2 * TW + 2 columns.
import type { ConvGemmPool } from './conv-gemm-pool';
import { writeInts } from './conv-arena';

/** Whether a stride-1 convolution of a fh x fw filter into outH x outW pixels from C input channels
 *  takes the Winograd path: a 3x3 filter, an even output size (whole 2x2 tiles) and C a multiple of 4
 *  (the module transforms 4 channels at a time). */
export function winogradApplies(fh: number, fw: number, outH: number, outW: number, C: number): boolean {
  return fh === 3 && fw === 3 && outH % 2 === 0 && outW % 2 === 0 && outH > 0 && outW > 0 && C % 4 === 0;
}

/** U[xi][nb][c][j] = (G g G^T)[xi] for g[ky][kx] = get(ky, kx, c, n), n = nb * 8 + j (zero for n >= N),
 *  with G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]. Returns the byte offset of U in the arena. */
export function packWinogradFilter(
  pool: ConvGemmPool,
  C: number,
  N: number,
  get: (ky: number, kx: number, c: number, n: number) => number,
): number {
  const N8 = Math.ceil(N / 8) * 8;
  const nbs = N8 / 8;
  const at = pool.alloc(16 * C * N8 * 4);
  const u = pool.f32(at, 16 * C * N8);
  const g = new Float64Array(9);
  const gg = new Float64Array(12); // G g: 4 rows x 3 columns
  for (let c = 0; c < C; c++) {
    for (let n = 0; n < N8; n++) {
      const base = ((Math.floor(n / 8) * C + c) * 8 + (n % 8)) * 1;
      if (n >= N) {
        for (let xi = 0; xi < 16; xi++) u[xi * nbs * C * 8 + base] = 0;
        continue;
      }
      for (let k = 0; k < 9; k++) g[k] = get(Math.floor(k / 3), k % 3, c, n);
      for (let x = 0; x < 3; x++) {
        const a = g[x]!;
        const b = g[3 + x]!;
        const d = g[6 + x]!;
        gg[x] = a;
        gg[3 + x] = (a + b + d) / 2;
        gg[6 + x] = (a - b + d) / 2;
        gg[9 + x] = d;
      }
      for (let r = 0; r < 4; r++) {
        const a = gg[3 * r]!;
        const b = gg[3 * r + 1]!;
        const d = gg[3 * r + 2]!;
        const row = [a, (a + b + d) / 2, (a - b + d) / 2, d];
        for (let col = 0; col < 4; col++) u[(4 * r + col) * nbs * C * 8 + base] = row[col]!;
      }
    }
  }
  return at;
}

/** Tiles per block: V [16][T][C] stays near 256 KiB (a core's share of cache), T a multiple of 4 in [4, 64]. */
export function winogradBlockTiles(C: number): number {
  return Math.max(4, Math.min(64, Math.floor(4096 / C / 4) * 4));
}

/** One Winograd convolution on the pool: `input` is the padded input's byte offset ([B][2TH+2][2TW+2][C]),
 *  `u` the packed filter, `out` where the [B][2TH][2TW][N] output goes (row and pixel strides in floats);
 *  bias is a byte offset (N floats) or 0. */
export function winogradConv(
  pool: ConvGemmPool,
  a: {
    input: number;
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
  const Wp = 2 * a.TW + 2;
  const T = winogradBlockTiles(a.C);
  // WinoParams of conv_gemm.c: in, inImg, inRow, C, u, out, outImg, outRow, outPix, N, TH, TW, T, bias, relu.
  const params = writeInts(pool, [
    a.input,
    (2 * a.TH + 2) * Wp * a.C,
    Wp * a.C,
    a.C,
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
  ]);
  const tiles = a.B * a.TH * a.TW;
  const chunks = Math.min(Math.ceil(tiles / 4), 8 * pool.threads);
  const scratchBytes = 16 * T * (a.C + 8) * 4;
  const stride = Math.ceil(scratchBytes / 64) * 64;
  const scratch = pool.alloc(chunks * stride);
  pool.winograd(params, tiles, chunks, scratch, stride);
}

/** How many partial sums a Winograd filter gradient over `tiles` tiles is cut into: fixed by the shape
 *  alone (so results do not depend on the thread count), each at least 64 tiles, at most 8. */
export function winogradDwChunks(tiles: number): number {
  return Math.max(1, Math.min(8, Math.floor(tiles / 64)));
}

/** Winograd filter gradient on the pool: `input` the padded input's byte offset (as winogradConv), `dy`
 *  the output gradient's ([B][2TH][2TW] pixels of N channels at these float strides). Returns the byte
 *  offset of dW laid out [9 * C][N] (row (ky * 3 + kx) * C + c), the direct filter gradient's layout. */
export function winogradFilterGrad(
  pool: ConvGemmPool,
  a: {
    input: number;
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
  const Wp = 2 * a.TW + 2;
  const T = winogradBlockTiles(Math.max(a.C, a.N));
  // WinoDwParams of conv_gemm.c: in, inImg, inRow, C, dy, dyImg, dyRow, dyPix, N, TH, TW, T.
  const params = writeInts(pool, [
    a.input,
    (2 * a.TH + 2) * Wp * a.C,
    Wp * a.C,
    a.C,
    a.dy,
    a.dyImg,
    a.dyRow,
    a.dyPix,
    a.N,
    a.TH,
    a.TW,
    T,
  ]);
  const tiles = a.B * a.TH * a.TW;
  const chunks = winogradDwChunks(tiles);
  const du = 16 * a.C * a.N;
  // Each chunk's block: its partial dU, then its scratch V [16][T][C] and Yh [16][T][N].
  const stride = Math.ceil((du + 16 * T * (a.C + a.N)) / 16) * 16;
  const blocks = pool.alloc(chunks * stride * 4);
  pool.winogradDw(params, tiles, chunks, blocks, stride * 4);
  const sum = pool.alloc(du * 4);
  pool.sumPartials(sum, blocks, du, chunks, stride);
  const dw = pool.alloc(9 * a.C * a.N * 4);
  pool.winogradDwFilter(sum, a.C, a.N, dw);
  return dw;
}
