// The training loop a training process runs: epochs of batches from a BatchSource, a validation callback
// after each epoch, progress events (epoch, batch, loss, images/s, ETA) and cancellation through an
// AbortSignal, checked between steps. It owns no data and no process: the caller (a forked trainer, the
// CLI, a test) supplies the batches and decides what to do with progress and with the trained model.
import type { TrainingProgress } from '../../core/model';
import { CancelledError } from '../../core/errors';
import { tf } from '../backends/tfjs';
import { DEFAULT_LOSS, type LossWeights } from '../model/loss';
import type { UNet } from '../model/unet';
import { adam, trainStep } from './train-step';
import { WeightAverage } from './weight-average';

/** Training data as NHWC float32 batches. */
export interface BatchSource {
  /** [height, width, inChannels, outputChannels] of every batch. */
  readonly shape: [number, number, number, number];
  batchesPerEpoch(): number;
  /** Batch i of epoch e (the source shuffles and augments per epoch, from its own seed). */
  batch(epoch: number, i: number): { x: Float32Array; y: Float32Array; n: number; w?: Float32Array };
}

export interface TrainProgress extends TrainingProgress {
  kind: 'batch' | 'epoch';
  /** Validation metrics after the epoch (kind 'epoch', when a validate callback is given). */
  validation?: Record<string, number>;
}

export interface TrainLoopOptions {
  epochs: number;
  learningRate: number;
  lossWeights?: LossWeights;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  /** Called after each epoch; its metrics go into the epoch's progress event and the result. */
  validate?: (model: UNet, epoch: number) => Promise<Record<string, number>>;
  /** Optimizer to continue with (resume); a new Adam otherwise. */
  optimizer?: tf.Optimizer;
  /** Learning rate for each epoch (default: learningRate throughout); `epochs` is the number of epochs
   *  the loop plans to run (o.epochs, or fewer under budgetSeconds). */
  schedule?: (epoch: number, epochs: number) => number;
  /** Wall-clock budget in seconds: after the first epoch and again after the second (validation included)
   *  the loop plans the epochs done plus floor(budget left / last epoch's seconds), never more than `epochs`,
   *  at least those done; the schedule and ETA follow that count. For a borrowed machine's fixed time: the
   *  second planning corrects for the first epoch's warm-up. */
  budgetSeconds?: number;
  /** Milliseconds clock for elapsed times, ETA and the budget (default performance.now; tests pass their own). */
  clock?: () => number;
  /** Keep an exponential moving average of the weights with this decay (weight-average.ts): validation runs
   *  on the average, and the model holds it when the loop returns. Not part of a checkpoint: for runs that
   *  are not resumed (the quality benchmark). */
  averageDecay?: number;
  /** Read the losses back every this many steps (default 1), all in one read, and at the end of every
   *  epoch. On a GPU each read waits for the GPU to finish the step, so the CPU cannot prepare the next one
   *  meanwhile; with N > 1 it runs up to N steps ahead. Progress events, the loss check and cancellation
   *  between steps are unchanged; their events for a group arrive together, after its read. */
  lossReadEvery?: number;
  /** A moving average the caller owns (a resumable run checkpoints it): updated after every step; the
   *  caller validates on it (withAverage) and commits it. Instead of averageDecay. */
  weightAverage?: WeightAverage;
}

/** How often a trainer on a GPU backend reads the loss back (TrainLoopOptions.lossReadEvery): progress
 *  comes in groups of this many steps, a fraction of a second each at the GPU's speeds. */
export const GPU_LOSS_READ_EVERY = 16;

/** Cosine decay from `lr` at the first epoch to `lr * floor` at the last. With `epochs` omitted, the
 *  decay runs over the loop's planned epoch count (the second argument the loop passes). */
export function cosineSchedule(
  lr: number,
  epochs?: number,
  floor = 0.05,
): (epoch: number, planned?: number) => number {
  return (e, planned) => {
    const n = epochs ?? planned ?? 1;
    return (
      lr * (floor + (1 - floor) * 0.5 * (1 + Math.cos((Math.PI * Math.min(e, n - 1)) / Math.max(1, n - 1))))
    );
  };
}

export interface EpochResult {
  epoch: number;
  loss: number;
  seconds: number;
  validation?: Record<string, number>;
}

export interface TrainLoopResult {
  epochs: EpochResult[];
  seconds: number;
  images: number;
  optimizer: tf.Optimizer;
}

export async function trainLoop(
  model: UNet,
  data: BatchSource,
  o: TrainLoopOptions,
): Promise<TrainLoopResult> {
  const optimizer = o.optimizer ?? adam(o.learningRate);
  const now = o.clock ?? (() => performance.now());
  const [H, W, C, K] = data.shape;
  const batches = data.batchesPerEpoch();
  let planned = o.epochs;
  let total = planned * batches;
  const t0 = now();
  let images = 0;
  let done = 0;
  const epochs: EpochResult[] = [];
  const average = o.averageDecay !== undefined ? new WeightAverage(model, o.averageDecay) : undefined;
  const readEvery = Math.max(1, Math.floor(o.lossReadEvery ?? 1));
  const pending: { loss: tf.Scalar; batch: number; n: number }[] = [];
  try {
    for (let epoch = 0; epoch < planned; epoch++) {
      const te = now();
      // tfjs's optimizers read this field at every update.
      if (o.schedule)
        (optimizer as unknown as { learningRate: number }).learningRate = o.schedule(epoch, planned);
      let lossSum = 0;
      /** Read back the pending steps' losses (one read), then report each step. */
      const drain = async (): Promise<void> => {
        if (pending.length === 0) return;
        const steps = pending.splice(0);
        const all = steps.length === 1 ? steps[0]!.loss : tf.stack(steps.map((s) => s.loss));
        let values: Float32Array;
        try {
          values = (await all.data()) as Float32Array;
        } finally {
          if (steps.length > 1) all.dispose();
          steps.forEach((s) => s.loss.dispose());
        }
        steps.forEach((s, k) => {
          const loss = values[k]!;
          if (!Number.isFinite(loss)) throw new Error(`loss is ${loss} at epoch ${epoch}, batch ${s.batch}`);
          lossSum += loss;
          images += s.n;
          done++;
          const elapsed = (now() - t0) / 1000;
          o.onProgress?.({
            kind: 'batch',
            epoch,
            epochs: planned,
            batch: s.batch,
            batches,
            loss,
            imagesPerSecond: images / elapsed,
            elapsedSeconds: elapsed,
            etaSeconds: (elapsed / done) * (total - done),
          });
        });
      };
      for (let i = 0; i < batches; i++) {
        if (o.signal?.aborted) throw new CancelledError('training');
        const b = data.batch(epoch, i);
        const x = tf.tensor4d(b.x, [b.n, H, W, C]);
        const y = tf.tensor4d(b.y, [b.n, H, W, K]);
        // Per-pixel weights only where the source gives them (pseudo-labelled crops).
        const w = b.w ? tf.tensor4d(b.w, [b.n, H, W, 1]) : undefined;
        const lossT = trainStep(
          model,
          optimizer,
          { x, y, ...(w ? { w } : {}) },
          o.lossWeights ?? DEFAULT_LOSS,
        );
        x.dispose();
        y.dispose();
        w?.dispose();
        average?.update();
        o.weightAverage?.update();
        pending.push({ loss: lossT, batch: i, n: b.n });
        if (pending.length >= readEvery || i === batches - 1) await drain();
      }
      const validate = o.validate;
      const validation = !validate
        ? undefined
        : average
          ? await average.withAverage(() => validate(model, epoch))
          : await validate(model, epoch);
      const r: EpochResult = { epoch, loss: lossSum / batches, seconds: (now() - te) / 1000 };
      if (validation) r.validation = validation;
      epochs.push(r);
      const elapsed = (now() - t0) / 1000;
      if (epoch <= 1 && o.budgetSeconds !== undefined) {
        // Planned after epoch 1 (which carries the warm-up: shader compilation, caches) and again after epoch 2
        // (steady speed): the epochs done plus as many of the last one's length as the rest of the budget holds.
        const left = o.budgetSeconds - elapsed;
        planned = Math.max(epoch + 1, Math.min(o.epochs, epoch + 1 + Math.floor(left / r.seconds)));
        total = planned * batches;
      }
      o.onProgress?.({
        kind: 'epoch',
        epoch,
        epochs: planned,
        batch: batches - 1,
        batches,
        loss: r.loss,
        imagesPerSecond: images / elapsed,
        elapsedSeconds: elapsed,
        etaSeconds: (elapsed / done) * (total - done),
        ...(validation ? { validation } : {}),
      });
    }
    average?.commit();
  } finally {
    pending.forEach((s) => s.loss.dispose());
    average?.dispose();
  }
  return { epochs, seconds: (now() - t0) / 1000, images, optimizer };
}
