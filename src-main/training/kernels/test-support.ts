// Helpers shared by the kernel tests: reproducible random inputs, a relative-error comparison, and the Adam
// steps that the one-kernel Adam updates (adam-kernel.test.ts, webgpu/fused-webgpu.test.ts) are checked on.
import { expect } from 'vitest';
import { tf } from '../backends/tfjs';
import { adam } from '../engine/train-step';

/** n values in [-1, 1) from a small linear congruential generator (reproducible, no dependency). */
export function seededArray(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

/** Max |a - b| / (max |b| + tiny) must be under `rel`: errors measured against the reference's scale,
 *  since a sum of many products has absolute rounding error proportional to its magnitude. */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number): void {
  expect(a.length).toBe(b.length);
  let maxDiff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  expect(maxDiff / (scale + 1e-30)).toBeLessThan(rel);
}

const SHAPES = [[4], [3, 3, 2, 5], [700]];

/** Five Adam steps on variables of SHAPES with loss sum(w² * r_k) + sum(w), r_k changing per step;
 *  the weights and the optimizer's state (iterations, m, v) after every step. */
export async function adamSteps(opt: tf.Optimizer): Promise<Float32Array[][]> {
  const vars = SHAPES.map((s, i) =>
    tf.variable(
      tf.tensor(
        seededArray(
          s.reduce((a, b) => a * b),
          i + 1,
        ),
        s,
      ),
      true,
      `adamTest${i}`,
    ),
  );
  // A tensor sharing the first variable's data: an in-place update must leave it as it was.
  const shared = vars[0]!.clone();
  const before = Float32Array.from(await shared.data());
  const out: Float32Array[][] = [];
  for (let k = 0; k < 5; k++) {
    const loss = opt.minimize(
      () =>
        tf.addN(
          vars.map((v, i) =>
            tf.add(
              tf.sum(tf.mul(tf.square(v), tf.tensor(seededArray(v.size, 10 * k + i), v.shape))),
              tf.sum(v),
            ),
          ),
        ) as tf.Scalar,
      true,
      vars,
    )!;
    loss.dispose();
    // Read every step: a CPU copy tfjs caches on reading must not survive the next in-place update.
    const state = await opt.getWeights();
    out.push([
      ...(await Promise.all(vars.map(async (v) => Float32Array.from(await v.data())))),
      ...(await Promise.all(state.map(async (s) => Float32Array.from(await s.tensor.data())))),
    ]);
  }
  expect(Float32Array.from(await shared.data())).toEqual(before);
  shared.dispose();
  vars.forEach((v) => v.dispose());
  opt.dispose();
  return out;
}

/** The tfjs kernels one ConcordAdam step runs. */
export async function stepKernels(): Promise<string[]> {
  const probe = tf.variable(tf.ones([8]), true, 'adamProbe');
  const opt = adam(0.05);
  const info = await tf.profile(() => {
    opt.minimize(() => tf.sum(tf.square(probe)) as tf.Scalar);
  });
  opt.dispose();
  probe.dispose();
  return info.kernels.map((k) => k.name);
}
