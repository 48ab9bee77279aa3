// Adam's update of one variable as one kernel on the cpu and wasm backends (adam_update in
// wasm/optimizer.c, on the convolution pool's threads), for the trainer's optimizer (../engine/
// concord-adam.ts): tfjs's AdamOptimizer runs ~12 ops a variable, ~600 a U-Net step, each a pass over
// memory and an allocation. Inputs w, m, v, g; outputs the new w, m and v (tfjs's arithmetic, in its order,
// in float32, so the results equal its own update's), which the optimizer assigns to its variables.
import type { ConvGemmPool } from './conv-gemm-pool';
import { placed, target } from './conv-arena';

export const ADAM_UPDATE = 'ConcordAdamUpdate';

/** The step's constants as tfjs passes them, float32: lr, beta1, beta2, epsilon and the bias
 *  corrections 1 - beta1^t, 1 - beta2^t. */
export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  correction1: number;
  correction2: number;
}

/** w2, m2, v2 (length n each) from w, m, v and the gradient g. */
export function adamUpdate(
  pool: ConvGemmPool,
  a: { w: Float32Array; m: Float32Array; v: Float32Array; g: Float32Array },
  out: { w: Float32Array; m: Float32Array; v: Float32Array },
  h: AdamUpdateAttrs,
): void {
  const n = a.w.length;
  if (n === 0) return;
  pool.reset();
  const ins = [a.w, a.m, a.v, a.g].map((x) => placed(pool, x, n));
  const outs = [out.w, out.m, out.v].map((x) => target(pool, x, n, 1, 1));
  // AdamParams of optimizer.c: w, m, v, g, w2, m2, v2 (pointers), n, then 8 float32 constants; 1 - beta
  // is rounded from double, as tfjs's scalar is.
  const at = pool.alloc(16 * 4);
  pool.i32(at, 8).set([...ins, ...outs.map((o) => o.at), n]);
  pool
    .f32(at + 32, 8)
    .set([
      -h.learningRate,
      h.beta1,
      h.beta2,
      1 - h.beta1,
      1 - h.beta2,
      h.correction1,
      h.correction2,
      h.epsilon,
    ]);
  pool.adamUpdate(at, n);
  for (const o of outs) o.finish();
}
