// The fused backward pass of y = relu(conv(x, w) + bias), stride 1 (the op of fused-conv-op.ts): one pass
// over dy writes the masked, zero-padded gradient G and the bias gradient, then G feeds both the input
// gradient (a forward convolution with the flipped filter) and the filter gradient, each by Winograd where
// the geometry allows (conv-winograd.ts) and by the direct kernels of conv-engine.ts otherwise. Layouts as
// in conv-engine.ts: NHWC activations, HWIO filters.
import type { ConvGemmPool } from './conv-gemm-pool';
import {
  addChunkSums,
  ceilTo,
  packPanels,
  placed,
  receptiveOffsets,
  target,
  writeInts,
  writeParams,
} from './conv-arena';
import {
  backpropInputSupported,
  checkLength,
  type ConvGeometry,
  filterGradChunks,
  filterGradFrom,
} from './conv-engine';
import { tileFor, winogradInputGrad } from './conv-winograd';

/** Whether convBiasReluBackward covers this geometry: stride 1 with the input gradient's fast path. */
export function fusedBackwardSupported(g: ConvGeometry): boolean {
  // Every output pixel must have a place in the padded gradient (true of 'same' and 'valid').
  const fits =
    g.outH + g.fh - 1 - g.padTop <= g.inH + g.fh - 1 && g.outW + g.fw - 1 - g.padLeft <= g.inW + g.fw - 1;
  return g.sh === 1 && g.sw === 1 && backpropInputSupported(g) && fits;
}

/** Gradients of y = relu(conv(x, w) + bias) (stride 1) in one pass over dy:
 *  g = dy * (y > 0) is written once, zero-padded, into the arena, where it is both the input of the
 *  input-gradient convolution and (at its interior) the dY of the filter gradient; db = sum of g over
 *  all pixels is taken in the same pass. Saves the separate ReLU-mask, multiply and bias-sum passes
 *  (and their tensors) that tfjs's autodiff would run. x, y, dy NHWC; w HWIO. */
export function convBiasReluBackward(
  pool: ConvGemmPool,
  g: ConvGeometry,
  x: Float32Array,
  w: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  out: { dx: Float32Array; dw: Float32Array; db: Float32Array },
  inputGradient = true,
): void {
  if (!fusedBackwardSupported(g)) throw new Error('convBiasReluBackward: unsupported geometry');
  const { batch: B, inH, inW, outH, outW, outC, fh, fw } = g;
  checkLength('convBiasReluBackward y', y, B * outH * outW * outC);
  checkLength('convBiasReluBackward dy', dy, B * outH * outW * outC);
  pool.reset();
  const N8 = ceilTo(outC, 8);
  // 1. Masked, padded gradient G [B, Hg, Wg, N8] and the bias gradient.
  const top = fh - 1 - g.padTop;
  const left = fw - 1 - g.padLeft;
  const Hg = inH + fh - 1;
  const Wg = inW + fw - 1;
  const n = B * outH * outW * outC;
  const yp = placed(pool, y, n);
  const dyp = placed(pool, dy, n);
  const gp = pool.alloc(B * Hg * Wg * N8 * 4);
  // Rows of G in a number of chunks fixed by the shape, each with its own bias-gradient partial
  // (doubles), added here in chunk order: the sum does not depend on the thread count.
  const gRows = B * Hg;
  const dbChunks = filterGradChunks(gRows);
  const dbp = pool.alloc(dbChunks * outC * 8);
  // ReluParams of conv_gemm.c: y, dy, g, H, W, C, Hg, Wg, N8, top, left.
  const rp = writeInts(pool, [yp, dyp, gp, outH, outW, outC, Hg, Wg, N8, top, left]);
  pool.reluGradRows(rp, gRows, dbChunks, dbp, outC * 8);
  addChunkSums(pool, dbp, dbChunks, outC, out.db);
  // 2. dx: forward convolution of G with the flipped, transposed filter (zeros when not wanted).
  if (inputGradient) inputGradientOfG(pool, g, w, gp, out.dx);
  else out.dx.fill(0);
  // 3. dw: filter gradient of x against G's interior.
  filterGradFrom(
    pool,
    g,
    x,
    { at: gp + (top * Wg + left) * N8 * 4, img: Hg * Wg * N8, row: Wg * N8 },
    out.dw,
  );
}

/** The input gradient of convBiasReluBackward by the direct kernel: G [B, Hg, Wg, N8] (padded) against
 *  the flipped, transposed filter, into dx [B, inH, inW, Nx] at byte offset `out`. */
function inputGradDirect(
  pool: ConvGemmPool,
  g: ConvGeometry,
  w: Float32Array,
  gp: number,
  out: number,
): void {
  const { batch: B, inH, inW, inC, outC, fh, fw } = g;
  const N8 = ceilTo(outC, 8);
  const Nx = ceilTo(inC, 8);
  const Hg = inH + fh - 1;
  const Wg = inW + fw - 1;
  const M = fh * fw * N8;
  const mOffG = receptiveOffsets(pool, fh, fw, N8, Wg, M);
  const wpk = packPanels(pool, M, inC, (m, c) => {
    const k = Math.floor(m / N8);
    const oc = m - k * N8;
    if (oc >= outC) return 0;
    const ky = fh - 1 - Math.floor(k / fw);
    const kx = fw - 1 - (k % fw);
    return w[((ky * fw + kx) * inC + c) * outC + oc]!;
  });
  const pdx = writeParams(pool, {
    in: gp,
    inImg: Hg * Wg * N8,
    inRow: Wg * N8,
    inPix: N8,
    mOff: mOffG,
    M,
    w: wpk,
    out,
    outImg: inH * inW * Nx,
    outRow: inW * Nx,
    outPix: Nx,
    dy: 0,
    dyImg: 0,
    dyRow: 0,
    dyPix: 0,
    N: Nx,
    OH: inH,
    OW: inW,
    bias: 0,
    relu: 0,
  });
  pool.forward(pdx, B * inH);
}

/** Step 2 of convBiasReluBackward: dx from the padded gradient G at byte offset gp, by Winograd where the
 *  geometry allows, else by the direct kernel. */
function inputGradientOfG(
  pool: ConvGemmPool,
  g: ConvGeometry,
  w: Float32Array,
  gp: number,
  dx: Float32Array,
): void {
  const { batch: B, inH, inW, inC, outC } = g;
  const N8 = ceilTo(outC, 8);
  const Nx = ceilTo(inC, 8);
  const o = target(pool, dx, B * inH * inW, Nx, inC);
  const m = tileFor(g, inH, inW, N8);
  if (m) {
    const input = { at: gp, H: inH + 2, W: inW + 2, padTop: 0, padLeft: 0 };
    winogradInputGrad(pool, { m, w, inC, outC, input, B, C: N8, out: o.at, inH, inW });
  } else {
    inputGradDirect(pool, g, w, gp, o.at);
  }
  o.finish();
}
