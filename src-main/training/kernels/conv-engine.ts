// 2D convolution and its two gradients on float32 NHWC tensors, computed by the WebAssembly SIMD kernels
// of wasm/conv_gemm.c on a ConvGemmPool, the 3x3 stride-1 ones by Winograd (conv-winograd.ts). No tfjs
// here: the tfjs kernels (register-kernels.ts) call these with plain typed arrays, and the tests compare
// them with tfjs's own cpu kernels.
//
// Layouts: activations NHWC [batch, height, width, channels]; filters HWIO [fh, fw, inC, outC] as in tfjs.
// Each call places its operands in the pool's memory (zero-padded, so the kernels check no bounds),
// packs the weights as [ceil(N/8)][M][8] panels, runs on all threads and copies the result out. Where an
// operand already lies in the pool's memory (pool.offsetOf: the wasm backend's tensors when the pool runs
// on its heap) and needs no padding, the kernels read it there; an output whose channels are a multiple
// of 8 is written in place.
import type { ConvGemmPool } from './conv-gemm-pool';
import {
  ceilTo,
  copyPadded,
  packPanels,
  placed,
  receptiveOffsets,
  target,
  unpadChannels,
  writeParams,
} from './conv-arena';
import {
  packWinogradFilter,
  tileFor,
  unpadded,
  winogradConv,
  winogradFilterGrad,
  winogradInputGrad,
} from './conv-winograd';

/** One convolution: input [batch, inH, inW, inC] -> output [batch, outH, outW, outC]. Dilation 1.
 *  padTop/padLeft: zeros added above/left of the input (tfjs's padInfo); bottom/right follow. */
export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  fh: number;
  fw: number;
  sh: number;
  sw: number;
  padTop: number;
  padLeft: number;
}

export function checkLength(name: string, a: Float32Array, n: number): void {
  if (a.length < n) throw new Error(`${name}: ${a.length} values, expected ${n}`);
}

/** Forward convolution: y = x * w (+ bias) (then ReLU). x NHWC, w HWIO; returns y NHWC. */
export function conv2dForward(
  pool: ConvGemmPool,
  g: ConvGeometry,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null = null,
  relu = false,
  out?: Float32Array,
): Float32Array {
  const { batch: B, inC, outC, fh, fw, sh, sw, outH, outW } = g;
  checkLength('conv2d x', x, B * g.inH * g.inW * inC);
  checkLength('conv2d w', w, fh * fw * inC * outC);
  const y = out ?? new Float32Array(B * outH * outW * outC);
  if (y.length === 0) return y;
  pool.reset();
  const Hp = (outH - 1) * sh + fh;
  const Wp = (outW - 1) * sw + fw;
  const N8 = ceilTo(outC, 8);
  let b = 0;
  if (bias) {
    b = pool.alloc(N8 * 4);
    const bv = pool.f32(b, N8);
    bv.fill(0);
    bv.set(bias.subarray(0, outC));
  }
  const o = target(pool, y, B * outH * outW, N8, outC);
  const m = tileFor(g, outH, outW, inC);
  if (m) {
    const u = packWinogradFilter(pool, m, inC, outC, {
      w,
      cValid: inC,
      cStride: outC,
      nStride: 1,
      kStride: inC * outC,
      flip: false,
    });
    winogradConv(pool, {
      m,
      input: unpadded(pool, x, g.inH, g.inW, inC, B, g.padTop, g.padLeft),
      B,
      C: inC,
      u,
      out: o.at,
      outImg: outH * outW * N8,
      outRow: outW * N8,
      outPix: N8,
      N: N8,
      TH: outH / m,
      TW: outW / m,
      bias: b,
      relu,
    });
    o.finish();
    return y;
  }
  const xp = copyPadded(pool, x, B, g.inH, g.inW, inC, Hp, Wp, g.padTop, g.padLeft);
  const M = fh * fw * inC;
  const mOff = receptiveOffsets(pool, fh, fw, inC, Wp, M);
  const wp = packPanels(pool, M, outC, (m, n) => w[m * outC + n]!);
  const params = writeParams(pool, {
    in: xp,
    inImg: Hp * Wp * inC,
    inRow: sh * Wp * inC,
    inPix: sw * inC,
    mOff,
    M,
    w: wp,
    out: o.at,
    outImg: outH * outW * N8,
    outRow: outW * N8,
    outPix: N8,
    dy: 0,
    dyImg: 0,
    dyRow: 0,
    dyPix: 0,
    N: N8,
    OH: outH,
    OW: outW,
    bias: b,
    relu: relu ? 1 : 0,
  });
  pool.forward(params, B * outH);
  o.finish();
  return y;
}

/** Whether conv2dBackpropInput has a fast path for this geometry: stride 1 with padding no larger than
 *  the filter (any 'same'/'valid' convolution), or stride equal to the filter size without padding (the
 *  2x2 stride-2 transposed convolution of a U-Net). */
export function backpropInputSupported(g: ConvGeometry): boolean {
  if (g.sh === 1 && g.sw === 1) return g.padTop >= 0 && g.padLeft >= 0 && g.padTop < g.fh && g.padLeft < g.fw;
  return g.sh === g.fh && g.sw === g.fw && g.padTop === 0 && g.padLeft === 0;
}

/** Gradient of the forward convolution with respect to its input (tfjs's Conv2DBackpropInput, which is
 *  also the forward pass of a transposed convolution): dx = dy *^T w. dy NHWC [batch, outH, outW, outC],
 *  w HWIO; returns dx NHWC [batch, inH, inW, inC]. */
export function conv2dBackpropInput(
  pool: ConvGemmPool,
  g: ConvGeometry,
  dy: Float32Array,
  w: Float32Array,
  out?: Float32Array,
): Float32Array {
  if (!backpropInputSupported(g)) throw new Error('conv2dBackpropInput: unsupported geometry');
  const { batch: B, inH, inW, inC, outH, outW, outC, fh, fw } = g;
  checkLength('conv2dBackpropInput dy', dy, B * outH * outW * outC);
  checkLength('conv2dBackpropInput w', w, fh * fw * inC * outC);
  const dx = out ?? new Float32Array(B * inH * inW * inC);
  if (dx.length === 0) return dx;
  pool.reset();
  const N8 = ceilTo(inC, 8);
  const dst = target(pool, dx, B * inH * inW, N8, inC);
  const o = dst.at;
  if (g.sh === 1 && g.sw === 1) {
    // dx[y][x][c] = sum over (ky', kx', o) of dyPad[y + ky'][x + kx'][o] * w[fh-1-ky'][fw-1-kx'][c][o],
    // where dyPad is dy shifted down by fh-1-padTop and right by fw-1-padLeft: a forward convolution.
    const Hp = inH + fh - 1;
    const Wp = inW + fw - 1;
    const top = fh - 1 - g.padTop;
    const left = fw - 1 - g.padLeft;
    const m = tileFor(g, inH, inW, outC);
    if (m) {
      const input = unpadded(pool, dy, outH, outW, outC, B, top, left);
      winogradInputGrad(pool, { m, w, inC, outC, input, B, C: outC, out: o, inH, inW });
      dst.finish();
      return dx;
    }
    const dp = copyPadded(pool, dy, B, outH, outW, outC, Hp, Wp, top, left);
    const M = fh * fw * outC;
    const mOff = receptiveOffsets(pool, fh, fw, outC, Wp, M);
    const wp = packPanels(pool, M, inC, (m, c) => {
      const k = Math.floor(m / outC);
      const oc = m - k * outC;
      const ky = fh - 1 - Math.floor(k / fw);
      const kx = fw - 1 - (k % fw);
      return w[((ky * fw + kx) * inC + c) * outC + oc]!;
    });
    const params = writeParams(pool, {
      in: dp,
      inImg: Hp * Wp * outC,
      inRow: Wp * outC,
      inPix: outC,
      mOff,
      M,
      w: wp,
      out: o,
      outImg: inH * inW * N8,
      outRow: inW * N8,
      outPix: N8,
      dy: 0,
      dyImg: 0,
      dyRow: 0,
      dyPix: 0,
      N: N8,
      OH: inH,
      OW: inW,
      bias: 0,
      relu: 0,
    });
    pool.forward(params, B * inH);
  } else {
    // Stride = filter size, no padding: every dx pixel gets exactly one tap, (y % sh, x % sw). For each
    // tap, dx[sh*y + ky][sw*x + kx] = dy[y][x] . w[ky][kx]^T is a 1x1 convolution written with a stride.
    const ov = pool.f32(o, B * inH * inW * N8);
    if (inH > outH * fh || inW > outW * fw) ov.fill(0); // rows/columns no tap reaches stay zero
    const dp = copyPadded(pool, dy, B, outH, outW, outC, outH, outW, 0, 0);
    const mOff = receptiveOffsets(pool, 1, 1, outC, outW, outC);
    for (let ky = 0; ky < fh; ky++) {
      for (let kx = 0; kx < fw; kx++) {
        const wp = packPanels(pool, outC, inC, (oc, c) => w[((ky * fw + kx) * inC + c) * outC + oc]!);
        const params = writeParams(pool, {
          in: dp,
          inImg: outH * outW * outC,
          inRow: outW * outC,
          inPix: outC,
          mOff,
          M: outC,
          w: wp,
          out: o + (ky * inW + kx) * N8 * 4,
          outImg: inH * inW * N8,
          outRow: fh * inW * N8,
          outPix: fw * N8,
          dy: 0,
          dyImg: 0,
          dyRow: 0,
          dyPix: 0,
          N: N8,
          OH: outH,
          OW: outW,
          bias: 0,
          relu: 0,
        });
        pool.forward(params, B * outH);
      }
    }
  }
  dst.finish();
  return dx;
}

/** How many partial sums a filter gradient over `rows` output rows is cut into. Fixed by the shape alone
 *  (not by the thread count), so results are bit-identical on any machine. */
export function filterGradChunks(rows: number): number {
  return Math.max(1, Math.min(16, rows));
}

/** Gradient of the forward convolution with respect to its filter (tfjs's Conv2DBackpropFilter):
 *  dw[ky][kx][c][o] = sum over pixels of xPad[...][c] * dy[...][o]. Returns dw HWIO. */
export function conv2dBackpropFilter(
  pool: ConvGemmPool,
  g: ConvGeometry,
  x: Float32Array,
  dy: Float32Array,
  out?: Float32Array,
): Float32Array {
  const { batch: B, inC, outC, fh, fw, outH, outW } = g;
  checkLength('conv2dBackpropFilter x', x, B * g.inH * g.inW * inC);
  checkLength('conv2dBackpropFilter dy', dy, B * outH * outW * outC);
  const dw = out ?? new Float32Array(fh * fw * inC * outC);
  if (dw.length === 0) return dw;
  const rows = B * outH;
  if (rows === 0 || outW === 0) {
    dw.fill(0);
    return dw;
  }
  pool.reset();
  const N8 = ceilTo(outC, 8);
  // dy with its channels padded to a multiple of 8 (dy itself when they already are).
  let dp = placed(pool, dy, rows * outW * outC);
  if (N8 !== outC) {
    const from = dp;
    dp = pool.alloc(rows * outW * N8 * 4);
    pool.copyChannels(
      { at: dp, stride: N8, off: 0 },
      { at: from, stride: outC, off: 0 },
      outC,
      rows * outW,
      N8,
    );
  }
  filterGradFrom(pool, g, x, { at: dp, img: outH * outW * N8, row: outW * N8 }, dw);
  return dw;
}

/** The filter gradient of x (as in the pool's memory or copied there) against an output gradient already
 *  in the pool's memory: `dy` a byte offset, image and row strides in floats, pixel stride N8 (outC
 *  rounded up to 8). By Winograd where the geometry allows, else by the direct kernel; writes dw HWIO. */
export function filterGradFrom(
  pool: ConvGemmPool,
  g: ConvGeometry,
  x: Float32Array,
  dy: { at: number; img: number; row: number },
  dw: Float32Array,
): void {
  const { batch: B, inC, outC, fh, fw, sh, sw, outH, outW } = g;
  const M = fh * fw * inC;
  const N8 = ceilTo(outC, 8);
  const m = tileFor(g, outH, outW, inC);
  if (m) {
    const at = winogradFilterGrad(pool, {
      m,
      input: unpadded(pool, x, g.inH, g.inW, inC, B, g.padTop, g.padLeft),
      B,
      C: inC,
      dy: dy.at,
      dyImg: dy.img,
      dyRow: dy.row,
      dyPix: N8,
      N: N8,
      TH: outH / m,
      TW: outW / m,
    });
    unpadChannels(pool.f32(at, M * N8), M, N8, outC, dw);
    return;
  }
  const rows = B * outH;
  const Hp = (outH - 1) * sh + fh;
  const Wp = (outW - 1) * sw + fw;
  const xp = copyPadded(pool, x, B, g.inH, g.inW, inC, Hp, Wp, g.padTop, g.padLeft);
  const M4 = ceilTo(M, 4);
  const mOff = receptiveOffsets(pool, fh, fw, inC, Wp, M4);
  const chunks = filterGradChunks(rows);
  const part = M4 * N8;
  const partials = pool.alloc(chunks * part * 4);
  pool.f32(partials, chunks * part).fill(0);
  const sum = pool.alloc(part * 4);
  const params = writeParams(pool, {
    in: xp,
    inImg: Hp * Wp * inC,
    inRow: sh * Wp * inC,
    inPix: sw * inC,
    mOff,
    M: M4,
    w: 0,
    out: 0,
    outImg: 0,
    outRow: 0,
    outPix: 0,
    dy: dy.at,
    dyImg: dy.img,
    dyRow: dy.row,
    dyPix: N8,
    N: N8,
    OH: outH,
    OW: outW,
    bias: 0,
    relu: 0,
  });
  pool.filterGrad(params, rows, chunks, partials, part * 4);
  pool.sumPartials(sum, partials, part, chunks, part);
  unpadChannels(pool.f32(sum, M * N8), M, N8, outC, dw);
}
