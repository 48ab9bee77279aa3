// The one-label segmentation loss as one differentiable op for the backends that have Concord's fused
// loss kernels (webgpu: webgpu/binary-loss-programs.ts), where tfjs's autodiff would run each of the
// loss's element-wise ops and its gradient's as a dispatch of its own. The arithmetic is
// ../model/loss.ts's, which every other backend keeps running op by op.
import { tf } from '../backends/tfjs';

export const BINARY_LOSS = 'ConcordBinaryLoss';
export const BINARY_LOSS_GRAD = 'ConcordBinaryLossGrad';

/** Whether the active backend has the fused loss (webgpu with Concord's fused kernels on). */
export function hasFusedBinaryLoss(): boolean {
  return tf.getKernel(BINARY_LOSS, tf.getBackend()) !== undefined;
}

/** wCE * mean(v * ce(z, y)) + wDice * (1 - soft Dice(sigmoid(z), y; v)): logits z, target y and pixel
 *  weights v (absent: 1) of one shape [B, H, W, 1]; the gradient flows to z only (targets are data). */
export function fusedBinaryLoss(
  z: tf.Tensor4D,
  y: tf.Tensor4D,
  v: tf.Tensor4D | undefined,
  weights: { crossEntropy: number; dice: number },
): tf.Scalar {
  const attrs = { crossEntropy: weights.crossEntropy, dice: weights.dice };
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [logits, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const inputs: tf.NamedTensorMap = v ? { z: logits, y, v } : { z: logits, y };
    const [loss, sums] = tf.engine().runKernel(BINARY_LOSS, inputs, attrs) as tf.Tensor[];
    save([logits, sums!]);
    return {
      value: loss!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sz, sums] = saved as [tf.Tensor, tf.Tensor];
        const gradInputs: tf.NamedTensorMap = v ? { z: sz, y, v, sums, dy } : { z: sz, y, sums, dy };
        return tf.engine().runKernel(BINARY_LOSS_GRAD, gradInputs, attrs) as tf.Tensor;
      },
    };
  });
  return op(z) as tf.Scalar;
}
