// One optimisation step: forward, Dice + cross-entropy loss, backward, Adam update. Pure with respect to
// its arguments (no globals, no I/O), so a training process, a test and a benchmark call the same code.
import type { tf } from '../backends/tfjs';
import { DEFAULT_LOSS, segmentationLoss, type LossWeights } from '../model/loss';
import type { UNet } from '../model/unet';
import { ConcordAdam } from './concord-adam';

/** x: images NHWC [n, H, W, inChannels]; y: targets NHWC [n, H, W, outputChannels] in [0, 1]. */
export interface TrainBatch {
  x: tf.Tensor4D;
  y: tf.Tensor4D;
  /** Per-pixel loss weights [n, H, W, 1] (semi-supervised runs' pseudo-labels); absent: all 1. */
  w?: tf.Tensor4D;
}

/** Runs one step and returns the batch's loss before the update, as a scalar tensor the caller reads
 *  (await loss.data()) and disposes; reading it is what waits for the step on an asynchronous backend. */
export function trainStep(
  model: UNet,
  optimizer: tf.Optimizer,
  batch: TrainBatch,
  lossWeights: LossWeights = DEFAULT_LOSS,
): tf.Scalar {
  const loss = optimizer.minimize(
    () => segmentationLoss(model.apply(batch.x), batch.y, lossWeights, batch.w),
    true,
    model.variables,
  );
  if (!loss) throw new Error('optimizer returned no loss');
  return loss;
}

/** tfjs's Adam (beta 0.9, 0.999, epsilon the backend's), fused into one kernel per variable on webgpu. */
export function adam(learningRate: number): tf.Optimizer {
  return new ConcordAdam(learningRate);
}
