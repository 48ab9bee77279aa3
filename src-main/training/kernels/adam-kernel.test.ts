// The trainer's Adam with Concord's one-kernel update (adam-kernel.ts, wasm/optimizer.c) on wasm and cpu
// against tfjs's own AdamOptimizer on cpu without Concord's kernels: the weights and the optimizer's state
// after every one of five steps are the same bits, the update runs no tfjs op of its own (tfjs's shows
// Sqrt among a step's kernels), and a tensor sharing a variable's old data keeps it.
import { expect, test } from 'vitest';
import { tf } from '../backends/tfjs';
import { activateCpu } from '../backends/cpu-backend';
import { activateWasm } from '../backends/wasm-backend';
import { adam } from '../engine/train-step';
import { seededArray } from './test-support';

const SHAPES = [[4], [3, 3, 2, 5], [703]];

async function adamSteps(opt: tf.Optimizer): Promise<Float32Array[][]> {
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
      `adamKernelTest${i}`,
    ),
  );
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

async function stepKernels(): Promise<string[]> {
  const probe = tf.variable(tf.ones([8]), true, 'adamKernelProbe');
  const opt = adam(0.05);
  const info = await tf.profile(() => {
    opt.minimize(() => tf.sum(tf.square(probe)) as tf.Scalar);
  });
  opt.dispose();
  probe.dispose();
  return info.kernels.map((k) => k.name);
}

test("Concord's Adam kernel on wasm and cpu gives tfjs's Adam on cpu, bit for bit", async () => {
  await activateCpu({ fastKernels: false });
  expect(await stepKernels()).toContain('Sqrt');
  const ref = await adamSteps(tf.train.adam(0.05));
  for (const activate of [() => activateWasm({ threads: 2 }), () => activateCpu({ threads: 2 })]) {
    await activate();
    const kernels = await stepKernels();
    expect(kernels).toContain('ConcordAdamUpdate');
    expect(kernels).not.toContain('Sqrt');
    const got = await adamSteps(adam(0.05));
    expect(got.length).toBe(ref.length);
    got.forEach((step, k) => step.forEach((t, i) => expect(t).toEqual(ref[k]![i]!)));
  }
});
