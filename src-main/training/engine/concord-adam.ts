// The trainer's optimizer: tfjs's Adam (same hyper-parameters, state, checkpoint names and numerics), whose
// update is one kernel per variable instead of ~12 tfjs ops: on webgpu a fused WGSL kernel
// (kernels/webgpu/fused-adam.ts), on cpu and wasm with Concord's kernels installed a WebAssembly one
// (kernels/adam-kernel.ts). Other backends, and webgpu with the fused path switched off, run tfjs's own
// applyGradients unchanged.
import { tf } from '../backends/tfjs';

/** tfjs's parameter types of applyGradients and setWeights (not exported by name from tfjs-core). */
type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];
type NamedTensors = Parameters<tf.AdamOptimizer['setWeights']>[0];
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
  /** beta^(t+1) in float32 while the fused path runs (tfjs keeps them in accBeta1/2 on the device). */
  private acc: [number, number] | null = null;

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
    if (!onGpu && !onKernel) {
      this.syncAcc();
      super.applyGradients(variableGradients);
      return;
    }
    const t = this.iterations;
    const b1 = Math.fround(this.beta1);
    const b2 = Math.fround(this.beta2);
    // As tfjs: accBeta starts at beta (setWeights: beta^(iterations+1)), 1 - acc is the correction, and
    // acc is multiplied by beta in float32 after every step.
    this.acc ??= [Math.fround(b1 ** (t + 1)), Math.fround(b2 ** (t + 1))];
    const [a1, a2] = this.acc;
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
    this.acc = [Math.fround(a1 * b1), Math.fround(a2 * b2)];
    this.incrementIterations();
  }

  /** Before tfjs's own update after fused steps: its accBeta variables take the fused steps' values. */
  private syncAcc(): void {
    if (!this.acc) return;
    const [a1, a2] = this.acc;
    tf.tidy(() => {
      this.state.accBeta1.assign(tf.scalar(a1));
      this.state.accBeta2.assign(tf.scalar(a2));
    });
    this.acc = null;
  }

  override async setWeights(weightValues: NamedTensors): Promise<void> {
    await super.setWeights(weightValues);
    this.acc = null; // recomputed from the restored iteration count
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
