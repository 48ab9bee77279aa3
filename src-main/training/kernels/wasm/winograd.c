// Winograd convolution for the 3x3 stride-1 layers (forward; the input gradient, which is a forward
// convolution of the padded output gradient with the flipped filter; and the filter gradient), with
// output tiles of m x m pixels, m = 4 (F(4x4, 3x3)) or 2 (F(2x2, 3x3)), from input tiles of a x a, a = m + 2.
// A tile d gives y = A^T [(G g G^T) . (B^T d B)] A: a^2 multiplies per tile and channel pair (36 for 16
// outputs with m = 4, 16 for 4 with m = 2) where the direct kernel needs 9 per output. Matrices (Lavin and
// Gray, "Fast Algorithms for Convolutional Neural Networks", points 0, +-1, +-2 for m = 4):
//
//   m = 2:  B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]          A^T = [1 1 1 0; 0 1 -1 -1]
//           G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
//   m = 4:  B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
//           A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
//           G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
//
// Tiles are numbered over all images, row-major: tile i = img * TH * TW + ty * TW + tx covers output rows
// m*ty .. m*ty + m - 1 (columns likewise) and reads input rows m*ty - padTop .. m*ty - padTop + a - 1 of the
// stored input, zeros where those fall outside it (the convolution's padding, never copied). A chunk of tiles
// is cut into blocks of T; per block the input tiles become V [a^2][T][C] (plane xi = a * row + column),
// then for each 8 output channels, a^2 small GEMMs M[xi] = V[xi] (T x C) . U[xi] (C x 8) with the 4x8
// register blocking of the direct kernel, and the output transform (plus bias, ReLU) writes the tiles.
// Filter gradient: dU[xi][c][n] = sum over tiles of V[xi][t][c] * Yh[xi][t][n], Yh = A dY A^T, then
// dW = G^T dU G (wino_dw_filter). Scratch is each chunk's own block of the arena. The filter is transformed
// and packed by wino_filter; the JavaScript side (../conv-winograd.ts) picks m and lays out the operands.
#include "simd.h"

typedef struct {
  const float* in;  // input NHWC, pixel stride C, H rows of W pixels; read as if padded (see in_tiles)
  int inImg, inRow; // strides in floats
  int C;            // input channels, a multiple of 4
  const float* u;   // transformed filter [a^2][N/8][C][8]
  float* out;
  int outImg, outRow, outPix;
  int N;            // output channels, a multiple of 8
  int TH, TW;       // tiles per image column and row
  int T;            // tiles per block
  const float* bias;  // N floats, or 0
  int relu;
  int m;            // output tile side, 2 or 4
  int H, W;         // the input's rows and columns as stored (without the padding)
  int padTop, padLeft;  // zero rows above and columns left of it that the convolution reads
} WinoParams;

typedef struct {
  const float* in;  // input, as WinoParams
  int inImg, inRow;
  int C;            // a multiple of 4
  const float* dy;  // output gradient [B][m * TH][m * TW][N] at these strides (floats)
  int dyImg, dyRow, dyPix;
  int N;            // a multiple of 8
  int TH, TW, T;
  int m;
  int H, W, padTop, padLeft;  // as WinoParams
} WinoDwParams;

#define K(x) wasm_f32x4_splat(x)

// Floats between the scratch planes of V, M and Yh: with T * C a multiple of 1024 (64 tiles of 16
// channels) the planes would lie 4 KiB apart, and a tile's transform, which writes one vector to each of
// the a^2 planes, would land all of them in one L1 set and evict itself. One cache line of slack spreads them.
#define PLANE_PAD 16

// One-dimensional transforms of a column or row of 4-channel vectors.
static inline void bt4(const v128_t* d, v128_t* t) {  // B^T d, m = 2
  t[0] = SUB(d[0], d[2]);
  t[1] = ADD(d[1], d[2]);
  t[2] = SUB(d[2], d[1]);
  t[3] = SUB(d[1], d[3]);
}
static inline void bt6(const v128_t* d, v128_t* t) {  // B^T d, m = 4
  const v128_t p = SUB(d[4], MUL(K(4), d[2])), q = SUB(d[3], MUL(K(4), d[1]));
  const v128_t r = SUB(d[4], d[2]), s = MUL(K(2), SUB(d[3], d[1]));
  t[0] = ADD(SUB(MUL(K(4), d[0]), MUL(K(5), d[2])), d[4]);
  t[1] = ADD(p, q);
  t[2] = SUB(p, q);
  t[3] = ADD(r, s);
  t[4] = SUB(r, s);
  t[5] = ADD(SUB(MUL(K(4), d[1]), MUL(K(5), d[3])), d[5]);
}
static inline void at4(const v128_t* v, v128_t* y) {  // A^T v, m = 2
  y[0] = ADD(ADD(v[0], v[1]), v[2]);
  y[1] = SUB(SUB(v[1], v[2]), v[3]);
}
static inline void at6(const v128_t* v, v128_t* y) {  // A^T v, m = 4
  const v128_t a = ADD(v[1], v[2]), b = SUB(v[1], v[2]), c = ADD(v[3], v[4]), d = SUB(v[3], v[4]);
  y[0] = ADD(ADD(v[0], a), c);
  y[1] = ADD(b, MUL(K(2), d));
  y[2] = ADD(a, MUL(K(4), c));
  y[3] = ADD(ADD(b, MUL(K(8), d)), v[5]);
}
static inline void a4(const v128_t* y, v128_t* z) {  // A y, m = 2
  z[0] = y[0];
  z[1] = ADD(y[0], y[1]);
  z[2] = SUB(y[0], y[1]);
  z[3] = SUB(K(0), y[1]);
}
static inline void a6(const v128_t* y, v128_t* z) {  // A y, m = 4
  const v128_t e = ADD(y[0], y[2]), f = ADD(y[1], y[3]);
  const v128_t g = ADD(y[0], MUL(K(4), y[2])), h = ADD(MUL(K(2), y[1]), MUL(K(8), y[3]));
  z[0] = y[0];
  z[1] = ADD(e, f);
  z[2] = SUB(e, f);
  z[3] = ADD(g, h);
  z[4] = SUB(g, h);
  z[5] = y[3];
}
static inline void gt4(const v128_t* u, v128_t* w) {  // G^T u, m = 2
  const v128_t s = MUL(ADD(u[1], u[2]), K(0.5f));
  w[0] = ADD(u[0], s);
  w[1] = MUL(SUB(u[1], u[2]), K(0.5f));
  w[2] = ADD(s, u[3]);
}
static inline void gt6(const v128_t* u, v128_t* w) {  // G^T u, m = 4
  const v128_t s12 = ADD(u[1], u[2]), d21 = SUB(u[2], u[1]), s34 = ADD(u[3], u[4]), d34 = SUB(u[3], u[4]);
  w[0] = ADD(SUB(MUL(u[0], K(0.25f)), MUL(s12, K(1.0f / 6))), MUL(s34, K(1.0f / 24)));
  w[1] = ADD(MUL(d21, K(1.0f / 6)), MUL(d34, K(1.0f / 12)));
  w[2] = ADD(MUL(SUB(s34, s12), K(1.0f / 6)), u[5]);
}

// Two-dimensional transforms of one tile, 4 channels: columns first, then rows. Called with m a constant,
// so each inlines to straight-line code.
// in_tile reads the a x a pixels from d (d: the tile's top-left pixel); with `border`, only those of
// rows [r0, r1) and columns [c0, c1) of the window exist, the rest are the convolution's zero padding.
static inline __attribute__((always_inline)) void in_tile(int m, const float* d, int inRow, int C, float* v,
                                                          int vs, int border, int r0, int r1, int c0, int c1) {
  const int a = m + 2;
  v128_t t[6][6], col[6], o[6];
  for (int j = 0; j < a; j++) {
    for (int i = 0; i < a; i++)
      col[i] = !border || (i >= r0 && i < r1 && j >= c0 && j < c1) ? LD(d + i * inRow + j * C) : K(0);
    if (m == 4) bt6(col, o); else bt4(col, o);
    for (int k = 0; k < a; k++) t[k][j] = o[k];
  }
  for (int k = 0; k < a; k++) {
    if (m == 4) bt6(t[k], o); else bt4(t[k], o);
    for (int l = 0; l < a; l++) ST(v + (k * a + l) * vs, o[l]);
  }
}

static inline __attribute__((always_inline)) void out_tile(int m, const float* M, int ms, float* o, int outRow,
                                                           int outPix, v128_t b, int relu) {
  const int a = m + 2;
  v128_t s[4][6], col[6], y[4];
  for (int l = 0; l < a; l++) {
    for (int k = 0; k < a; k++) col[k] = LD(M + (k * a + l) * ms);
    if (m == 4) at6(col, y); else at4(col, y);
    for (int i = 0; i < m; i++) s[i][l] = y[i];
  }
  for (int i = 0; i < m; i++) {
    if (m == 4) at6(s[i], y); else at4(s[i], y);
    for (int j = 0; j < m; j++) ST(o + i * outRow + j * outPix, epi(y[j], b, relu));
  }
}

static inline __attribute__((always_inline)) void dy_tile(int m, const float* y0, int dyRow, int dyPix, float* h,
                                                          int hs) {
  const int a = m + 2;
  v128_t t[6][4], col[4], z[6];
  for (int j = 0; j < m; j++) {
    for (int i = 0; i < m; i++) col[i] = LD(y0 + i * dyRow + j * dyPix);
    if (m == 4) a6(col, z); else a4(col, z);
    for (int k = 0; k < a; k++) t[k][j] = z[k];
  }
  for (int k = 0; k < a; k++) {
    if (m == 4) a6(t[k], z); else a4(t[k], z);
    for (int l = 0; l < a; l++) ST(h + (k * a + l) * hs, z[l]);
  }
}

// M rows t0..t0+3 ([4][8]) = V rows (a: V[xi][t0], C floats each) times the panel u [C][8].
static void gemm_4x8(const float* a, int C, const float* __restrict u, float* m) {
  v128_t c00 = K(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const float* a1 = a + C;
  const float* a2 = a + 2 * C;
  const float* a3 = a + 3 * C;
  for (int c = 0; c < C; c++) {
    v128_t w0 = LD(u), w1 = LD(u + 4);
    u += 8;
    v128_t x = BC(a + c);
    FMA(c00, x, w0); FMA(c01, x, w1);
    x = BC(a1 + c);
    FMA(c10, x, w0); FMA(c11, x, w1);
    x = BC(a2 + c);
    FMA(c20, x, w0); FMA(c21, x, w1);
    x = BC(a3 + c);
    FMA(c30, x, w0); FMA(c31, x, w1);
  }
  ST(m, c00); ST(m + 4, c01); ST(m + 8, c10); ST(m + 12, c11);
  ST(m + 16, c20); ST(m + 20, c21); ST(m + 24, c30); ST(m + 28, c31);
}

static void gemm_1x8(const float* a, int C, const float* __restrict u, float* m) {
  v128_t c0 = K(0), c1 = c0;
  for (int c = 0; c < C; c++) {
    v128_t x = BC(a + c);
    FMA(c0, x, LD(u)); FMA(c1, x, LD(u + 4));
    u += 8;
  }
  ST(m, c0); ST(m + 4, c1);
}

// Input tile i (all C channels, 4 at a time) into V at v (plane stride vs). The tile's window starts at
// row m * ty - padTop, column m * tx - padLeft of the stored input; a window that reaches past the stored
// rows or columns (the image's border, where the convolution pads with zeros) takes the bounded loads.
static inline __attribute__((always_inline)) void in_tiles(int m, int i, const float* in, int inImg, int inRow,
                                                           int C, int TH, int TW, int H, int W, int padTop,
                                                           int padLeft, float* v, int vs) {
  const int a = m + 2, per = TH * TW, ty = (i % per) / TW, tx = i % TW;
  const int y0 = m * ty - padTop, x0 = m * tx - padLeft;
  const float* d = in + (i / per) * inImg + y0 * inRow + x0 * C;
  if (y0 >= 0 && x0 >= 0 && y0 + a <= H && x0 + a <= W) {
    for (int c = 0; c < C; c += 4) in_tile(m, d + c, inRow, C, v + c, vs, 0, 0, a, 0, a);
  } else {
    const int r0 = y0 < 0 ? -y0 : 0, r1 = H - y0 < a ? H - y0 : a;
    const int c0 = x0 < 0 ? -x0 : 0, c1 = W - x0 < a ? W - x0 : a;
    for (int c = 0; c < C; c += 4) in_tile(m, d + c, inRow, C, v + c, vs, 1, r0, r1, c0, c1);
  }
}

// Where tile i's top-left pixel lies, in floats from a base: image, row and pixel strides.
static inline int tile_at(int i, int m, int TH, int TW, int img, int row, int pix) {
  const int per = TH * TW, ty = (i % per) / TW, tx = i % TW;
  return (i / per) * img + m * ty * row + m * tx * pix;
}

static inline __attribute__((always_inline)) void fwd(const WinoParams* p, int t0, int t1, float* scratch,
                                                      const int m) {
  const int a2 = (m + 2) * (m + 2), C = p->C, nbs = p->N / 8, TH = p->TH, TW = p->TW;
  float* V = scratch;
  float* M = scratch + a2 * (p->T * C + PLANE_PAD);
  for (int b0 = t0; b0 < t1; b0 += p->T) {
    const int T = b0 + p->T <= t1 ? p->T : t1 - b0;
    const int vs = T * C + PLANE_PAD, ms = T * 8 + PLANE_PAD;
    for (int t = 0; t < T; t++) {
      in_tiles(m, b0 + t, p->in, p->inImg, p->inRow, C, TH, TW, p->H, p->W, p->padTop, p->padLeft, V + t * C, vs);
    }
    for (int nb = 0; nb < nbs; nb++) {
      for (int xi = 0; xi < a2; xi++) {
        const float* u = p->u + (xi * nbs + nb) * C * 8;
        const float* v = V + xi * vs;
        float* mm = M + xi * ms;
        int t = 0;
        for (; t + 4 <= T; t += 4) gemm_4x8(v + t * C, C, u, mm + t * 8);
        for (; t < T; t++) gemm_1x8(v + t * C, C, u, mm + t * 8);
      }
      v128_t bl = K(0), bh = bl;
      if (p->bias) { bl = LD(p->bias + nb * 8); bh = LD(p->bias + nb * 8 + 4); }
      for (int t = 0; t < T; t++) {
        float* o = p->out + tile_at(b0 + t, m, TH, TW, p->outImg, p->outRow, p->outPix) + nb * 8;
        out_tile(m, M + t * 8, ms, o, p->outRow, p->outPix, bl, p->relu);
        out_tile(m, M + t * 8 + 4, ms, o + 4, p->outRow, p->outPix, bh, p->relu);
      }
    }
  }
}

// Tiles [t0, t1); scratch: a^2 * (T * (C + 8) + 2 * PLANE_PAD) floats of the chunk's own.
__attribute__((export_name("wino_fwd"))) void wino_fwd(const WinoParams* p, int t0, int t1, float* scratch) {
  if (p->m == 4) fwd(p, t0, t1, scratch, 4);
  else fwd(p, t0, t1, scratch, 2);
}

static inline __attribute__((always_inline)) void dw(const WinoDwParams* p, int t0, int t1, float* du,
                                                     const int m) {
  const int a2 = (m + 2) * (m + 2), C = p->C, N = p->N, TH = p->TH, TW = p->TW;
  float* V = du + a2 * C * N;
  float* Y = V + a2 * (p->T * C + PLANE_PAD);
  __builtin_memset(du, 0, (unsigned long)a2 * C * N * 4);
  for (int b0 = t0; b0 < t1; b0 += p->T) {
    const int T = b0 + p->T <= t1 ? p->T : t1 - b0;
    const int vs = T * C + PLANE_PAD, ys = T * N + PLANE_PAD;
    for (int t = 0; t < T; t++) {
      in_tiles(m, b0 + t, p->in, p->inImg, p->inRow, C, TH, TW, p->H, p->W, p->padTop, p->padLeft, V + t * C, vs);
      const float* y0 = p->dy + tile_at(b0 + t, m, TH, TW, p->dyImg, p->dyRow, p->dyPix);
      for (int n = 0; n < N; n += 4) dy_tile(m, y0 + n, p->dyRow, p->dyPix, Y + t * N + n, ys);
    }
    for (int xi = 0; xi < a2; xi++) {
      const float* v = V + xi * vs;
      const float* yh = Y + xi * ys;
      float* dst = du + xi * C * N;
      for (int c = 0; c < C; c += 4) {
        for (int n = 0; n < N; n += 8) {
          float* d = dst + c * N + n;
          v128_t c00 = LD(d), c01 = LD(d + 4), c10 = LD(d + N), c11 = LD(d + N + 4);
          v128_t c20 = LD(d + 2 * N), c21 = LD(d + 2 * N + 4), c30 = LD(d + 3 * N), c31 = LD(d + 3 * N + 4);
          const float* x0 = v + c;
          const float* g = yh + n;
          for (int t = 0; t < T; t++, x0 += C, g += N) {
            v128_t g0 = LD(g), g1 = LD(g + 4);
            v128_t x = BC(x0);
            FMA(c00, x, g0); FMA(c01, x, g1);
            x = BC(x0 + 1);
            FMA(c10, x, g0); FMA(c11, x, g1);
            x = BC(x0 + 2);
            FMA(c20, x, g0); FMA(c21, x, g1);
            x = BC(x0 + 3);
            FMA(c30, x, g0); FMA(c31, x, g1);
          }
          ST(d, c00); ST(d + 4, c01); ST(d + N, c10); ST(d + N + 4, c11);
          ST(d + 2 * N, c20); ST(d + 2 * N + 4, c21); ST(d + 3 * N, c30); ST(d + 3 * N + 4, c31);
        }
      }
    }
  }
}

// Tiles [t0, t1) into the chunk's block: dU [a^2][C][N] (zeroed here, then accumulated), followed by the
// scratch V [a^2][T][C] and Yh [a^2][T][N] (planes PLANE_PAD floats apart).
__attribute__((export_name("wino_dw"))) void wino_dw(const WinoDwParams* p, int t0, int t1, float* du) {
  if (p->m == 4) dw(p, t0, t1, du, 4);
  else dw(p, t0, t1, du, 2);
}

// dW = G^T dU G for every channel pair: du [a^2][C][N] -> dw [9][C][N] (row (ky * 3 + kx) * C + c, the
// direct filter gradient's layout). SIMD over the C * N pairs (a multiple of 4).
__attribute__((export_name("wino_dw_filter"))) void wino_dw_filter(const float* du, int C, int N, float* dwOut,
                                                                   int m) {
  const int cn = C * N, a = m + 2;
  for (int i = 0; i < cn; i += 4) {
    v128_t r[3][6], col[6], w[3];
    for (int l = 0; l < a; l++) {
      for (int k = 0; k < a; k++) col[k] = LD(du + (k * a + l) * cn + i);
      if (m == 4) gt6(col, w); else gt4(col, w);
      for (int y = 0; y < 3; y++) r[y][l] = w[y];
    }
    for (int y = 0; y < 3; y++) {
      if (m == 4) gt6(r[y], w); else gt4(r[y], w);
      for (int x = 0; x < 3; x++) ST(dwOut + (3 * y + x) * cn + i, w[x]);
    }
  }
}

// The filter transform U = G g G^T, packed as [a^2][N8/8][C][8] (N8 = N rounded up to 8), for c < C
// (rows c >= cValid are zero: channels that pad the input to a multiple of 8) and n < N8 (zero for
// n >= N). Tap k = ky * 3 + kx of pair (c, n) is read at w[k' * kStride + c * cStride + n * nStride],
// k' = 8 - k when flip (the input gradient's rotated filter), else k. SIMD over 4 n at a time.
typedef struct {
  const float* w;
  int C, N, cValid, cStride, nStride, kStride, flip, m;
  float* u;
} WinoFilterParams;

static inline void g4(const v128_t* g, v128_t* u) {  // G g, m = 2
  const v128_t s = MUL(ADD(g[0], g[2]), K(0.5f)), h = MUL(g[1], K(0.5f));
  u[0] = g[0];
  u[1] = ADD(s, h);
  u[2] = SUB(s, h);
  u[3] = g[2];
}
static inline void g6(const v128_t* g, v128_t* u) {  // G g, m = 4
  const v128_t s = ADD(g[0], g[2]), q = ADD(MUL(g[0], K(1.0f / 24)), MUL(g[2], K(1.0f / 6)));
  const v128_t h = MUL(g[1], K(1.0f / 12));
  u[0] = MUL(g[0], K(0.25f));
  u[1] = MUL(ADD(s, g[1]), K(-1.0f / 6));
  u[2] = MUL(SUB(s, g[1]), K(-1.0f / 6));
  u[3] = ADD(q, h);
  u[4] = SUB(q, h);
  u[5] = g[2];
}

__attribute__((export_name("wino_filter"))) void wino_filter(const WinoFilterParams* p, int c0, int c1) {
  const int m = p->m, a = m + 2, N = p->N, N8 = (N + 7) / 8 * 8, C = p->C;
  for (int c = c0; c < c1; c++) {
    for (int n0 = 0; n0 < N8; n0 += 4) {
      v128_t g[9], t[6][3], col[3], o[6];
      for (int k = 0; k < 9; k++) {
        const float* src = p->w + (p->flip ? 8 - k : k) * p->kStride + c * p->cStride;
        float e[4];
        for (int j = 0; j < 4; j++) {
          const int n = n0 + j;
          e[j] = c < p->cValid && n < N ? src[n * p->nStride] : 0.0f;
        }
        g[k] = wasm_f32x4_make(e[0], e[1], e[2], e[3]);
      }
      // G g: columns of the 3x3 filter (kx fixed), then G applied to each of the a rows.
      for (int x = 0; x < 3; x++) {
        col[0] = g[x]; col[1] = g[3 + x]; col[2] = g[6 + x];
        if (m == 4) g6(col, o); else g4(col, o);
        for (int r = 0; r < a; r++) t[r][x] = o[r];
      }
      float* dst = p->u + (n0 / 8) * C * 8 + c * 8 + (n0 % 8);
      const int plane = C * N8;
      for (int r = 0; r < a; r++) {
        if (m == 4) g6(t[r], o); else g4(t[r], o);
        for (int l = 0; l < a; l++) ST(dst + (r * a + l) * plane, o[l]);
      }
    }
  }
}
