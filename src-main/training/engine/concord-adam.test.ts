// The trainer's Adam resumed from its checkpointed state (getWeights, then setWeights on a new optimizer, as
// a resumed run does) steps exactly as the optimizer never stopped: the bias corrections are a function of
// the step count. tfjs's own Adam recomputes them with pow on setWeights and drifts in the last bits; the
// last check shows that this test would see such a drift.
import { afterAll, expect, test } from 'vitest';
import { tf } from '../backends/tfjs';
import { activateCpu } from '../backends/cpu-backend';
import { seededArray } from '../kernels/test-support';
import { adam } from './train-step';

const STEPS = 400;
const STOP = 250;
let made = 0;

/** A fresh variable (the same values each time) and STEPS Adam steps of loss sum(w² * r_k) + sum(w);
 *  with `stopAt`, the optimizer's state is saved there and a new optimizer made by `make` goes on from it.
 *  Returns the final weights. */
async function train(make: () => tf.Optimizer, stopAt?: number): Promise<Float32Array> {
  const v = tf.variable(tf.tensor(seededArray(300, 7)), true, `concordAdamResume${made++}`);
  let opt = make();
  for (let k = 0; k < STEPS; k++) {
    if (k === stopAt) {
      const state = await opt.getWeights();
      const saved = await Promise.all(
        state.map(async (s) => ({ name: s.name, shape: s.tensor.shape, values: await s.tensor.data() })),
      );
      opt.dispose();
      opt = make();
      await opt.setWeights(saved.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape) })));
    }
    const r = tf.tensor(seededArray(300, 100 + (k % 17)));
    opt.minimize(() => tf.add(tf.sum(tf.mul(tf.square(v), r)), tf.sum(v)) as tf.Scalar, false, [v]);
    r.dispose();
  }
  const out = Float32Array.from(await v.data());
  opt.dispose();
  v.dispose();
  return out;
}

afterAll(async () => {
  await activateCpu();
});

for (const [name, fastKernels] of [
  ["tfjs's update", false],
  ["Concord's one-kernel update", true],
] as const)
  test(`resumed from its state after ${STOP} of ${STEPS} steps, Adam ends on the same bits (${name})`, async () => {
    await activateCpu({ fastKernels, threads: 1 });
    const never = await train(() => adam(0.01));
    const resumed = await train(() => adam(0.01), STOP);
    expect(resumed).toEqual(never);
  });

test("tfjs's own Adam, resumed the same way, does not: what the test above guards against", async () => {
  await activateCpu({ fastKernels: false, threads: 1 });
  const never = await train(() => tf.train.adam(0.01));
  const resumed = await train(() => tf.train.adam(0.01), STOP);
  expect(resumed).not.toEqual(never);
});
