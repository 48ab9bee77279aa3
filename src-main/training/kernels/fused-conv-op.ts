// conv + bias + ReLU as one differentiable op for the backends that have Concord's kernels (cpu, wasm).
// tfjs's own tf.fused.conv2d falls apart into conv2d + add + relu whenever gradients are recorded, and
// its autodiff then runs a ReLU mask, a multiply and a transpose-based bias sum per layer; here the
// forward is one FusedConv2D kernel and the backward one ConcordConvBiasReluGrad kernel
// (conv-bias-relu-backward.ts). Other backends get tf.fused.conv2d, with the same result.
import { tf } from '../backends/tfjs';

export const CONV_BIAS_RELU_GRAD = 'ConcordConvBiasReluGrad';

/** Whether the active backend has the fused gradient kernel (Concord kernels installed). */
export function hasFusedConvGrad(): boolean {
  return tf.getKernel(CONV_BIAS_RELU_GRAD, tf.getBackend()) !== undefined;
}

const ATTRS = { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1 } as const;

/** The op's custom gradient, with or without the input gradient (`inputGradient`: false where x is the
 *  network's input, which nothing trains through: dx is then zeros and its convolution is skipped). */
function makeFused(inputGradient: boolean) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const y = tf
      .engine()
      .runKernel('FusedConv2D', { x, filter: w, bias: b }, { ...ATTRS, activation: 'relu' }) as tf.Tensor;
    save([x, w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return tf
          .engine()
          .runKernel(
            CONV_BIAS_RELU_GRAD,
            { x: sx, filter: sw, y: sy, dy },
            { ...ATTRS, inputGradient },
          ) as tf.Tensor[];
      },
    };
  });
}
const fused = makeFused(true);
const fusedNoInputGrad = makeFused(false);

/** relu(conv2d(x, w, stride 1, 'same') + b): x NHWC, w HWIO, b [outC]. inputGradient false: the gradient
 *  with respect to x is zeros (for a network's first layer, whose input is data), which saves its
 *  convolution in the backward pass. */
export function convBiasRelu(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  b: tf.Tensor1D,
  inputGradient = true,
): tf.Tensor4D {
  if (!hasFusedConvGrad()) {
    return tf.fused.conv2d({ x, filter: w, bias: b, strides: 1, pad: 'same', activation: 'relu' });
  }
  return (inputGradient ? fused : fusedNoInputGrad)(x, w, b) as tf.Tensor4D;
}
