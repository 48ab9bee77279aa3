// SIMD helpers shared by the module's C files (conv_gemm.c, winograd.c): 4-wide float32 WebAssembly SIMD.
// WebAssembly has no fused multiply-add outside relaxed SIMD, so FMA is a multiply and an add.
#ifndef CONCORD_SIMD_H
#define CONCORD_SIMD_H
#include <wasm_simd128.h>

#define LD(p) wasm_v128_load(p)
#define ST(p, v) wasm_v128_store(p, v)
#define BC(p) wasm_v128_load32_splat(p)
#define FMA(c, a, b) c = wasm_f32x4_add(c, wasm_f32x4_mul(a, b))
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul

// Bias, then ReLU when asked: the forward kernels' epilogue.
static inline v128_t epi(v128_t v, v128_t b, int relu) {
  v = wasm_f32x4_add(v, b);
  return relu ? wasm_f32x4_max(v, wasm_f32x4_splat(0.0f)) : v;
}
#endif
