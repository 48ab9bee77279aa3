// An exponential moving average of a model's weights (Polyak averaging, as in "EMA" model weights): after
// every optimizer step avg <- d*avg + (1-d)*w. Validation on the average instead of the last step's weights
// smooths the epoch-to-epoch swings of a small, noisy data set (on the LIDC crops the pooled Dice of the
// raw weights jumps by 0.05-0.1 between neighbouring epochs; the average's by about 0.01).
import { tf } from '../backends/tfjs';
import { canFuseAverage, fusedAverageStep } from '../kernels/webgpu/fused-average';
import type { NamedWeights, UNet } from '../model/unet';

export class WeightAverage {
  private readonly averages: tf.Variable[];
  private updates = 0;

  /** `decay` d in [0, 1): the weight each update keeps of the average (0.99: about the last 100 steps). */
  constructor(
    private readonly model: UNet,
    readonly decay: number,
  ) {
    if (!(decay >= 0 && decay < 1)) throw new RangeError('the average decay must be in [0, 1)');
    // The clones go when the tidy ends; each variable keeps its own reference to the data.
    this.averages = tf.tidy(() => model.variables.map((v) => tf.variable(v.clone(), false)));
  }

  /** One step of the average. The first steps use min(d, (1+n)/(10+n)) (TensorFlow's
   *  ExponentialMovingAverage with num_updates) so the random initial weights fade quickly. */
  update(): void {
    this.updates++;
    const d = Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
    // A frozen weight (transfer with a frozen encoder) stays exactly as it is: d*w + (1-d)*w need not.
    const pairs = this.model.variables
      .map((weight, i) => ({ weight, average: this.averages[i]! }))
      .filter((p) => p.weight.trainable);
    // On webgpu: one kernel per variable, in place (kernels/webgpu/fused-average.ts), same arithmetic.
    if (canFuseAverage(pairs)) {
      fusedAverageStep(pairs, d);
      return;
    }
    tf.tidy(() => {
      this.model.variables.forEach((w, i) => {
        if (!w.trainable) return;
        const a = this.averages[i]!;
        a.assign(tf.add(tf.mul(a, d), tf.mul(w, 1 - d)));
      });
    });
  }

  /** Runs `f` with the average in the model's weights, then puts the trained weights back. */
  async withAverage<T>(f: () => Promise<T>): Promise<T> {
    const saved = this.model.variables.map((v) => v.clone());
    this.model.variables.forEach((v, i) => v.assign(this.averages[i]!));
    try {
      return await f();
    } finally {
      this.model.variables.forEach((v, i) => v.assign(saved[i]!));
      saved.forEach((t) => t.dispose());
    }
  }

  /** How many steps the average has taken (with the values: what a checkpoint keeps to resume it). */
  get steps(): number {
    return this.updates;
  }

  /** The average's values, named and shaped as the model's weights. */
  async values(): Promise<NamedWeights[]> {
    return Promise.all(
      this.model.variables.map(async (v, i) => ({
        name: v.name,
        shape: v.shape.slice(),
        values: (await this.averages[i]!.data()) as Float32Array,
      })),
    );
  }

  /** Restores a checkpointed average: values in the model's variable order, and its step count. */
  restore(values: Float32Array[], steps: number): void {
    if (values.length !== this.averages.length)
      throw new RangeError(
        `the average has ${this.averages.length} tensors, the checkpoint ${values.length}`,
      );
    tf.tidy(() => this.averages.forEach((a, i) => a.assign(tf.tensor(values[i]!, a.shape))));
    this.updates = steps;
  }

  /** Puts the average in the model's weights for good (the end of a run). */
  commit(): void {
    this.model.variables.forEach((v, i) => v.assign(this.averages[i]!));
  }

  dispose(): void {
    this.averages.forEach((a) => a.dispose());
  }
}
