// Adam's update for one tensor in one pass, for the trainer's optimizer on the cpu and wasm backends
// (../adam-kernel.ts): tfjs's AdamOptimizer runs ~12 ops a variable, each a pass over memory. The
// arithmetic is tfjs's, in the same order and in float32 (WebAssembly has no fused multiply-add here, so
// each product is rounded as tfjs's separate ops round it):
//   m' = m*b1 + g*(1-b1);  v' = v*b2 + g²*(1-b2);  w' = ((m'/c1) / (sqrt(v'/c2) + eps)) * (-lr) + w
// with c1 = 1 - b1^t, c2 = 1 - b2^t the bias corrections of step t.
#include "simd.h"

typedef struct {
  const float *w, *m, *v, *g;
  float *w2, *m2, *v2;
  int n;
  float negLr, b1, b2, ob1, ob2, c1, c2, eps;
} AdamParams;

// Elements [4 q0, min(4 q1, n)): quads, so that threads split the tensor at SIMD boundaries.
__attribute__((export_name("adam_update"))) void adam_update(const AdamParams* p, int q0, int q1) {
  const int end = 4 * q1 < p->n ? 4 * q1 : p->n;
  const v128_t negLr = wasm_f32x4_splat(p->negLr), b1 = wasm_f32x4_splat(p->b1), b2 = wasm_f32x4_splat(p->b2);
  const v128_t ob1 = wasm_f32x4_splat(p->ob1), ob2 = wasm_f32x4_splat(p->ob2);
  const v128_t c1 = wasm_f32x4_splat(p->c1), c2 = wasm_f32x4_splat(p->c2), eps = wasm_f32x4_splat(p->eps);
  int i = 4 * q0;
  for (; i + 4 <= end; i += 4) {
    const v128_t g = LD(p->g + i);
    const v128_t m = ADD(MUL(LD(p->m + i), b1), MUL(g, ob1));
    const v128_t v = ADD(MUL(LD(p->v + i), b2), MUL(MUL(g, g), ob2));
    const v128_t step = wasm_f32x4_div(wasm_f32x4_div(m, c1), ADD(wasm_f32x4_sqrt(wasm_f32x4_div(v, c2)), eps));
    ST(p->m2 + i, m);
    ST(p->v2 + i, v);
    ST(p->w2 + i, ADD(MUL(step, negLr), LD(p->w + i)));
  }
  for (; i < end; i++) {
    const float g = p->g[i];
    const float m = p->m[i] * p->b1 + g * p->ob1;
    const float v = p->v[i] * p->b2 + (g * g) * p->ob2;
    p->m2[i] = m;
    p->v2[i] = v;
    p->w2[i] = ((m / p->c1) / (__builtin_sqrtf(v / p->c2) + p->eps)) * p->negLr + p->w[i];
  }
}
