// The trainer's Adam with Concord's one-kernel update (adam-kernel.ts, wasm/optimizer.c) on wasm and cpu
// against tfjs's own AdamOptimizer on cpu without Concord's kernels: the weights and the optimizer's state
// after every one of five steps are the same bits, the update runs no tfjs op of its own (tfjs's shows
// Sqrt among a step's kernels), and a tensor sharing a variable's old data keeps it.
import { expect, test } from 'vitest';
import { tf } from '../backends/tfjs';
import { activateCpu } from '../backends/cpu-backend';
import { activateWasm } from '../backends/wasm-backend';
import { adam } from '../engine/train-step';
import { adamSteps, stepKernels } from './test-support';

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
