// The trainer's optimizer: tfjs's Adam (same hyper-parameters, state, checkpoint names and numerics), whose
// update is one kernel per variable instead of ~12 tfjs ops: on webgpu a fused WGSL kernel
// (kernels/webgpu/fused-adam.ts), on cpu and wasm with Concord's kernels installed a WebAssembly one
// (kernels/adam-kernel.ts). Other backends, and webgpu with the fused path switched off, run tfjs's own
// applyGradients. One difference from tfjs on every path: the bias corrections 1 - beta^(t+1) come from the
// step count t alone (accAt), as the float32 product tfjs accumulates after every step. tfjs recomputes
// that product with pow when a checkpoint is restored; after some hundred steps the two differ in the
// last bits, and a resumed run drifted from the one never stopped. A checkpoint keeps only t: with accAt
// a resumed run steps exactly as one never stopped, and both as tfjs's Adam never stopped.
import { tf } from '../backends/tfjs';

/** tfjs's parameter type of applyGradients (not exported by name from tfjs-core). */
type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];
import {
  canFuseAdam,
  fusedAdamEnabled,
  fusedAdamStep,
  type AdamHyper,
  type AdamSlot,
} from '../kernels/webgpu/fused-adam';
import { ADAM_UPDATE } from '../kernels/adam-kernel';

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/** tfjs AdamOptimizer's private state, which this subclass shares so that getWeights/setWeights (the
 *  trainer's checkpoints) and tfjs's own update keep working on the same tensors. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
}

export class ConcordAdam extends tf.AdamOptimizer {
  /** beta1^(t+1) and beta2^(t+1) as float32 products, at the last step asked for (accAt). */
  private acc: { t: number; a1: number; a2: number } | null = null;

  constructor(learningRate: number) {
    super(learningRate, 0.9, 0.999);
  }

  private get state(): AdamState {
    return this as unknown as AdamState;
  }

  override applyGradients(variableGradients: Gradients): void {
    const list = Array.isArray(variableGradients)
      ? variableGradients.map((g) => ({ name: g.name, grad: g.tensor as tf.Tensor | null }))
      : Object.keys(variableGradients).map((name) => ({
          name,
          grad: (variableGradients[name] as tf.Tensor | undefined) ?? null,
        }));
    const s = this.state;
    const moment = (name: string, suffix: string, value: tf.Variable): Slot => ({
      originalName: `${name}/${suffix}`,
      variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
    });
    const slots: AdamSlot[] = [];
    list.forEach(({ name, grad }, i) => {
      const weight = tf.engine().registeredVariables[name]!;
      // Created as tfjs creates them, at the same index: checkpoints name and order them the same way.
      s.accumulatedFirstMoment[i] ??= moment(name, 'm', weight);
      s.accumulatedSecondMoment[i] ??= moment(name, 'v', weight);
      if (grad)
        slots.push({
          weight,
          m: s.accumulatedFirstMoment[i].variable,
          v: s.accumulatedSecondMoment[i].variable,
          grad,
        });
    });
    const onGpu = fusedAdamEnabled() && canFuseAdam(slots);
    const onKernel = !onGpu && hasAdamKernel() && slots.every((sl) => float32(sl));
    const [a1, a2] = this.accAt(this.iterations);
    if (!onGpu && !onKernel) {
      // tfjs's update reads its accumulators: they take this step's values (it multiplies them after).
      tf.tidy(() => {
        this.state.accBeta1.assign(tf.scalar(a1));
        this.state.accBeta2.assign(tf.scalar(a2));
      });
      super.applyGradients(variableGradients);
      return;
    }
    const hyper = {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      correction1: Math.fround(1 - a1),
      correction2: Math.fround(1 - a2),
    };
    if (onGpu) fusedAdamStep(slots, hyper);
    else kernelAdamStep(slots, hyper);
    this.incrementIterations();
  }

  /** beta1^(t+1) and beta2^(t+1) at step t (from 0) as tfjs accumulates them: beta in float32, times beta
   *  in float32 after every step. Carried from the step before; from the start after a restore (t
   *  multiplications, microseconds even after a long run). */
  private accAt(t: number): [number, number] {
    const b1 = Math.fround(this.beta1);
    const b2 = Math.fround(this.beta2);
    if (!this.acc || this.acc.t > t) this.acc = { t: 0, a1: b1, a2: b2 };
    const c = this.acc;
    for (; c.t < t; c.t++) {
      c.a1 = Math.fround(c.a1 * b1);
      c.a2 = Math.fround(c.a2 * b2);
    }
    return [c.a1, c.a2];
  }
}

/** Whether the active backend has Concord's one-kernel Adam update (cpu and wasm with Concord's kernels). */
function hasAdamKernel(): boolean {
  return tf.getKernel(ADAM_UPDATE, tf.getBackend()) !== undefined;
}

const float32 = (sl: AdamSlot): boolean =>
  [sl.weight, sl.m, sl.v, sl.grad].every((t) => t.dtype === 'float32');

/** One Adam step with Concord's kernel (kernels/adam-kernel.ts): per variable one kernel makes the new
 *  weight and moments, which are assigned (new tensors, so a tensor sharing the old data keeps it). */
function kernelAdamStep(slots: AdamSlot[], h: AdamHyper): void {
  tf.tidy(() => {
    for (const sl of slots) {
      const inputs = { w: sl.weight, m: sl.m, v: sl.v, g: sl.grad };
      const [w, m, v] = tf.engine().runKernel(ADAM_UPDATE, inputs, { ...h }) as tf.Tensor[];
      sl.weight.assign(w!);
      sl.m.assign(m!);
      sl.v.assign(v!);
    }
  });
}
