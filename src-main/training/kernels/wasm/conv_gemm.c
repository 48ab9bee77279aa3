// Implicit-GEMM convolution kernels for Concord's fast CPU training path, compiled to WebAssembly SIMD
// (see build.sh). Every 2D convolution the U-Net trains with (3x3 stride 1, the 2x2 stride-2 transposed
// convolution, 1x1) and its two gradients reduce to two loops over NHWC float32 tensors:
//
//   forward:      out[p][n]  = bias[n] + sum_m A(p, m) * W[m][n]          (then ReLU if asked)
//   filter grad:  dW[m][n]  += sum_p A(p, m) * dY[p][n]
//
// where p runs over output pixels (image, row, column), n over output channels, and
// A(p, m) = in[base(p) + mOff[m]] reads the receptive field: base(p) = img*inImg + row*inRow + col*inPix
// (strides in floats, already multiplied by the convolution stride; the input is padded by the caller so
// no bounds are checked) and mOff[m] = (ky*rowStride + kx*pixStride) + channel. The caller (JS) pads,
// packs weights as [N/8][M][8] and splits rows between threads; these functions touch only the rows they
// are given, so several instances sharing one memory can run them at once.
//
// Register blocking: the forward micro-kernel computes 4 pixels x 8 channels (8 f32x4 accumulators), the
// filter-gradient one 4 rows of M x 8 channels; both stay within the 16 SIMD registers of x86-64.
#include "simd.h"

typedef struct {
  const float* in;  // A operand (padded input), NHWC
  int inImg, inRow, inPix;
  const int* mOff;  // M receptive-field offsets, in floats
  int M;
  const float* w;   // forward: packed weights [N/8][M][8]
  float* out;       // forward: output base (parity offset included)
  int outImg, outRow, outPix;
  const float* dy;  // filter grad: output gradient, channel stride 1, N channels (padded to 8)
  int dyImg, dyRow, dyPix;
  int N;            // output channels, a multiple of 8
  int OH, OW;       // output rows per image, output pixels per row
  const float* bias;  // forward epilogue: N floats, or 0
  int relu;           // forward epilogue: 1 = max(0, x)
} ConvParams;

// 4 output pixels x 8 channels. a: input base of pixel 0; w: packed panel [M][8]; o: output of pixel 0.
static void fwd_4x8(const float* a, int inPix, const int* __restrict mOff, int M,
                    const float* __restrict w, float* o, int outPix, v128_t b0, v128_t b1, int relu) {
  v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const float* a0 = a;
  const float* a1 = a + inPix;
  const float* a2 = a + 2 * inPix;
  const float* a3 = a + 3 * inPix;
  for (int m = 0; m < M; m++) {
    int off = mOff[m];
    v128_t w0 = LD(w), w1 = LD(w + 4);
    w += 8;
    v128_t x = BC(a0 + off);
    FMA(c00, x, w0); FMA(c01, x, w1);
    x = BC(a1 + off);
    FMA(c10, x, w0); FMA(c11, x, w1);
    x = BC(a2 + off);
    FMA(c20, x, w0); FMA(c21, x, w1);
    x = BC(a3 + off);
    FMA(c30, x, w0); FMA(c31, x, w1);
  }
  ST(o, epi(c00, b0, relu)); ST(o + 4, epi(c01, b1, relu)); o += outPix;
  ST(o, epi(c10, b0, relu)); ST(o + 4, epi(c11, b1, relu)); o += outPix;
  ST(o, epi(c20, b0, relu)); ST(o + 4, epi(c21, b1, relu)); o += outPix;
  ST(o, epi(c30, b0, relu)); ST(o + 4, epi(c31, b1, relu));
}

// 1 output pixel x 8 channels: the tail of a row whose width is not a multiple of 4.
static void fwd_1x8(const float* a, const int* __restrict mOff, int M, const float* __restrict w,
                    float* o, v128_t b0, v128_t b1, int relu) {
  v128_t c0 = wasm_f32x4_splat(0), c1 = c0;
  for (int m = 0; m < M; m++) {
    v128_t x = BC(a + mOff[m]);
    FMA(c0, x, LD(w)); FMA(c1, x, LD(w + 4));
    w += 8;
  }
  ST(o, epi(c0, b0, relu)); ST(o + 4, epi(c1, b1, relu));
}

// Output rows [r0, r1) of all images (row r = image r / OH, row r % OH).
__attribute__((export_name("conv_fwd"))) void conv_fwd(const ConvParams* p, int r0, int r1) {
  const int M = p->M, OW = p->OW, nb = p->N / 8;
  for (int r = r0; r < r1; r++) {
    const int img = r / p->OH, oy = r % p->OH;
    const float* inRow = p->in + img * p->inImg + oy * p->inRow;
    float* outRow = p->out + img * p->outImg + oy * p->outRow;
    for (int cb = 0; cb < nb; cb++) {
      const float* w = p->w + cb * M * 8;
      v128_t b0 = wasm_f32x4_splat(0), b1 = b0;
      if (p->bias) { b0 = LD(p->bias + cb * 8); b1 = LD(p->bias + cb * 8 + 4); }
      int x = 0;
      for (; x + 4 <= OW; x += 4)
        fwd_4x8(inRow + x * p->inPix, p->inPix, p->mOff, M, w, outRow + x * p->outPix + cb * 8, p->outPix,
                b0, b1, p->relu);
      for (; x < OW; x++)
        fwd_1x8(inRow + x * p->inPix, p->mOff, M, w, outRow + x * p->outPix + cb * 8, b0, b1, p->relu);
    }
  }
}

// Filter gradient over output rows [r0, r1), accumulated into dw[M][N] (M a multiple of 4). Rows are taken
// in chunks of at least 256 pixels so each 4x8 accumulator tile is loaded and stored once per chunk while
// the chunk's input rows stay in cache.
__attribute__((export_name("conv_dw"))) void conv_dw(const ConvParams* p, int r0, int r1, float* dw) {
  const int M = p->M, N = p->N, OW = p->OW;
  int chunkRows = (256 + OW - 1) / OW;
  for (int c0 = r0; c0 < r1; c0 += chunkRows) {
    const int c1 = c0 + chunkRows < r1 ? c0 + chunkRows : r1;
    for (int m = 0; m < M; m += 4) {
      const int o0 = p->mOff[m], o1 = p->mOff[m + 1], o2 = p->mOff[m + 2], o3 = p->mOff[m + 3];
      for (int n = 0; n < N; n += 8) {
        float* d = dw + m * N + n;
        v128_t c00 = LD(d), c01 = LD(d + 4), c10 = LD(d + N), c11 = LD(d + N + 4);
        v128_t c20 = LD(d + 2 * N), c21 = LD(d + 2 * N + 4), c30 = LD(d + 3 * N), c31 = LD(d + 3 * N + 4);
        for (int r = c0; r < c1; r++) {
          const int img = r / p->OH, oy = r % p->OH;
          const float* a = p->in + img * p->inImg + oy * p->inRow;
          const float* g = p->dy + img * p->dyImg + oy * p->dyRow + n;
          for (int x = 0; x < OW; x++) {
            v128_t g0 = LD(g), g1 = LD(g + 4);
            v128_t v = BC(a + o0);
            FMA(c00, v, g0); FMA(c01, v, g1);
            v = BC(a + o1);
            FMA(c10, v, g0); FMA(c11, v, g1);
            v = BC(a + o2);
            FMA(c20, v, g0); FMA(c21, v, g1);
            v = BC(a + o3);
            FMA(c30, v, g0); FMA(c31, v, g1);
            a += p->inPix;
            g += p->dyPix;
          }
        }
        ST(d, c00); ST(d + 4, c01); ST(d + N, c10); ST(d + N + 4, c11);
        ST(d + 2 * N, c20); ST(d + 2 * N + 4, c21); ST(d + 3 * N, c30); ST(d + 3 * N + 4, c31);
      }
    }
  }
}

// dst[i] = sum_k src[k * stride + i] for i < n (n a multiple of 4): adds the per-chunk filter-gradient
// partials in a fixed order, so the result does not depend on how many threads produced them.
__attribute__((export_name("sum_partials"))) void sum_partials(float* dst, const float* src, int n, int count,
                                                              int stride) {
  for (int i = 0; i < n; i += 4) {
    v128_t s = LD(src + i);
    for (int k = 1; k < count; k++) s = wasm_f32x4_add(s, LD(src + k * stride + i));
    ST(dst + i, s);
  }
}

// The masked, padded output gradient of a ReLU layer, for convBiasReluBackward, rows [r0, r1) of g
// (row r = image r / Hg, row r % Hg):
//   g[b][y + top][x + left][c] = y[b][y][x][c] > 0 ? dy[b][y][x][c] : 0   (c < C; zero for C <= c < N8),
// every other element of g [B, Hg, Wg, N8] zero, and db[c] = the sum of the same values over these rows
// (each image row summed in float32, rows added in double, so long sums keep their precision). y, dy:
// [B, H, W, C]. Threads take disjoint row ranges, each with its own db; the caller adds them in order.
typedef struct {
  const float* y;
  const float* dy;
  float* g;
  int H, W, C, Hg, Wg, N8, top, left;
} ReluParams;

__attribute__((export_name("relu_grad_rows"))) void relu_grad_rows(const ReluParams* p, int r0, int r1, double* db) {
  const v128_t zero = wasm_f32x4_splat(0);
  const int H = p->H, W = p->W, C = p->C, Hg = p->Hg, Wg = p->Wg, N8 = p->N8, left = p->left;
  float rowsum[C + 4];
  for (int c = 0; c < C; c++) db[c] = 0;
  for (int r = r0; r < r1; r++) {
    const int b = r / Hg, yy = r % Hg;
    float* row = p->g + (long)r * Wg * N8;
    const int sy = yy - p->top;
    if (sy < 0 || sy >= H) {
      __builtin_memset(row, 0, (unsigned long)Wg * N8 * 4);
      continue;
    }
    __builtin_memset(row, 0, (unsigned long)left * N8 * 4);
    __builtin_memset(row + (left + W) * N8, 0, (unsigned long)(Wg - left - W) * N8 * 4);
    for (int c = 0; c < C; c++) rowsum[c] = 0;
    const float* ys = p->y + ((long)b * H + sy) * W * C;
    const float* ds = p->dy + ((long)b * H + sy) * W * C;
    float* out = row + left * N8;
    if ((C & 3) == 0) {
      for (int x = 0; x < W; x++, ys += C, ds += C, out += N8) {
        for (int c = 0; c < C; c += 4) {
          v128_t keep = wasm_f32x4_gt(LD(ys + c), zero);
          v128_t v = wasm_v128_and(LD(ds + c), keep);
          ST(out + c, v);
          ST(rowsum + c, wasm_f32x4_add(LD(rowsum + c), v));
        }
        for (int c = C; c < N8; c += 4) ST(out + c, zero);
      }
    } else {
      for (int x = 0; x < W; x++, ys += C, ds += C, out += N8) {
        for (int c = 0; c < C; c++) {
          float v = ys[c] > 0 ? ds[c] : 0;
          out[c] = v;
          rowsum[c] += v;
        }
        for (int c = C; c < N8; c++) out[c] = 0;
      }
    }
    for (int c = 0; c < C; c++) db[c] += rowsum[c];
  }
}

// A zero-padded copy, rows [r0, r1) of dst [B][Hp][dstRow floats] (row r = image r / Hp, row r % Hp) from
// src [B][H][srcRow floats]: dst row yy holds, after `lead` zeros, the `copy` floats of source row
// yy - top from float srcOff on, then zeros to its end; rows with no source row are zero. The padded
// input of a convolution, one image row a "row"; memory.copy and memory.fill do the work.
typedef struct {
  const float* src;
  float* dst;
  int H, Hp, top, srcRow, dstRow, lead, copy, srcOff;
} PadParams;

__attribute__((export_name("pad_rows"))) void pad_rows(const PadParams* p, int r0, int r1) {
  const int tail = p->dstRow - p->lead - p->copy;
  for (int r = r0; r < r1; r++) {
    const int b = r / p->Hp, y = r % p->Hp - p->top;
    float* d = p->dst + (long)r * p->dstRow;
    if (y < 0 || y >= p->H) {
      __builtin_memset(d, 0, (unsigned long)p->dstRow * 4);
      continue;
    }
    __builtin_memset(d, 0, (unsigned long)p->lead * 4);
    __builtin_memcpy(d + p->lead, p->src + ((long)b * p->H + y) * p->srcRow + p->srcOff, (unsigned long)p->copy * 4);
    __builtin_memset(d + p->lead + p->copy, 0, (unsigned long)tail * 4);
  }
}

// Gradient of 2x2 stride-2 'valid' max pooling: x [B, H, W, C], dy [B, H/2, W/2, C] (floor), dx [B, H, W, C],
// over output rows [r0, r1) (row r = image r / oh, row r % oh; oh = H/2 >= 1), each writing dx rows 2i and
// 2i + 1 (and the odd last row, which no window covers, with the image's last output row).
// Each dy goes to its window's maximum, the first in window order (0,0), (0,1), (1,0), (1,1) when several
// are equal (ReLU outputs make all-zero windows common), as tfjs's reference kernel; every dx element is
// written (odd last rows/columns get zero). SIMD over channels.
typedef struct {
  const float* x;
  const float* dy;
  float* dx;
  int H, W, C;
} PoolParams;

__attribute__((export_name("max_pool_grad_rows"))) void max_pool_grad_rows(const PoolParams* q, int r0, int r1) {
  const int H = q->H, W = q->W, C = q->C, oh = H / 2, ow = W / 2;
  const long rowLen = (long)W * C;
  for (int r = r0; r < r1; r++) {
    const int b = r / oh, i = r % oh;
    const float* rx0 = q->x + ((long)b * H + 2 * i) * rowLen;
    const float* rx1 = rx0 + rowLen;
    float* d0 = q->dx + ((long)b * H + 2 * i) * rowLen;
    float* d1 = d0 + rowLen;
    const float* g = q->dy + ((long)b * oh + i) * ow * C;
    for (int j = 0; j < ow; j++, g += C) {
      const int p = 2 * j * C;
      int c = 0;
      for (; c + 4 <= C; c += 4) {
        v128_t v0 = LD(rx0 + p + c), v1 = LD(rx0 + p + C + c), v2 = LD(rx1 + p + c), v3 = LD(rx1 + p + C + c);
        v128_t w1 = wasm_f32x4_gt(v1, v0);
        v128_t m = wasm_v128_bitselect(v1, v0, w1);
        v128_t w2 = wasm_f32x4_gt(v2, m);
        m = wasm_v128_bitselect(v2, m, w2);
        v128_t w3 = wasm_f32x4_gt(v3, m);
        v128_t k2 = wasm_v128_andnot(w2, w3);
        v128_t k1 = wasm_v128_andnot(wasm_v128_andnot(w1, w2), w3);
        v128_t k0 = wasm_v128_not(wasm_v128_or(wasm_v128_or(w1, w2), w3));
        v128_t gv = LD(g + c);
        ST(d0 + p + c, wasm_v128_and(gv, k0));
        ST(d0 + p + C + c, wasm_v128_and(gv, k1));
        ST(d1 + p + c, wasm_v128_and(gv, k2));
        ST(d1 + p + C + c, wasm_v128_and(gv, w3));
      }
      for (; c < C; c++) {
        float m = rx0[p + c];
        int k = 0;
        if (rx0[p + C + c] > m) { k = 1; m = rx0[p + C + c]; }
        if (rx1[p + c] > m) { k = 2; m = rx1[p + c]; }
        if (rx1[p + C + c] > m) k = 3;
        const float v = g[c];
        d0[p + c] = k == 0 ? v : 0;
        d0[p + C + c] = k == 1 ? v : 0;
        d1[p + c] = k == 2 ? v : 0;
        d1[p + C + c] = k == 3 ? v : 0;
      }
    }
    for (long t = 2L * ow * C; t < rowLen; t++) d0[t] = d1[t] = 0;  // odd last column
    if ((H & 1) && i == oh - 1) __builtin_memset(d1 + rowLen, 0, (unsigned long)rowLen * 4);  // odd last row
  }
}

// Sums over rows [r0, r1) of x [rows][C] into sum[C] (double): one chunk of a bias gradient, the sum over
// every axis but the last. The caller adds the chunks' sums in order.
typedef struct {
  const float* x;
  int C;
} SumParams;

__attribute__((export_name("sum_rows"))) void sum_rows(const SumParams* p, int r0, int r1, double* sum) {
  const int C = p->C;
  for (int c = 0; c < C; c++) sum[c] = 0;
  const float* row = p->x + (long)r0 * C;
  for (int r = r0; r < r1; r++, row += C)
    for (int c = 0; c < C; c++) sum[c] += row[c];
}

// Channel block copy for concat, split and channel padding, pixels [p0, p1): for each pixel p,
// dst[p * dstStride + dstOff + c] = src[p * srcStride + srcOff + c] for c < width, and 0 for
// width <= c < fill (fill >= width: the zero channels that pad a tensor to a multiple of 8).
typedef struct {
  float* dst;
  int dstStride, dstOff;
  const float* src;
  int srcStride, srcOff, width, fill;
} CopyParams;

__attribute__((export_name("copy_rows"))) void copy_rows(const CopyParams* q, int p0, int p1) {
  float* d = q->dst + (long)p0 * q->dstStride + q->dstOff;
  const float* s = q->src + (long)p0 * q->srcStride + q->srcOff;
  const int width = q->width, fill = q->fill;
  if ((width & 3) == 0) {
    for (int p = p0; p < p1; p++, d += q->dstStride, s += q->srcStride)
      for (int c = 0; c < width; c += 4) ST(d + c, LD(s + c));
  } else {
    for (int p = p0; p < p1; p++, d += q->dstStride, s += q->srcStride)
      for (int c = 0; c < width; c++) d[c] = s[c];
  }
  if (fill > width) {
    d = q->dst + (long)p0 * q->dstStride + q->dstOff;
    for (int p = p0; p < p1; p++, d += q->dstStride)
      for (int c = width; c < fill; c++) d[c] = 0;
  }
}

