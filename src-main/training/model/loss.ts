// Segmentation loss: cross-entropy + soft Dice, both on the logits of UNet.apply.
//  - one label (1 output channel): sigmoid; target [B, H, W, 1] in [0, 1] (a soft target such as STAPLE's
//    probability works as is);
//  - L labels (L+1 channels, background first): softmax; target [B, H, W, L+1], each pixel's channels
//    summing to 1 (one-hot or soft).
// Dice is pooled over the whole batch (all pixels of all images as one set), with +1 smoothing, so a batch
// of empty slices gives a finite loss and a small gradient; for several labels it is the mean over labels
// 1..L (background excluded).
import * as tf from '@tensorflow/tfjs-core';
import { fusedBinaryLoss, hasFusedBinaryLoss } from '../kernels/fused-loss-op';

export interface LossWeights {
  crossEntropy: number;
  dice: number;
}
export const DEFAULT_LOSS: LossWeights = { crossEntropy: 1, dice: 1 };

/** Probabilities from logits: sigmoid for one channel, softmax over channels otherwise. */
export function probabilities(logits: tf.Tensor4D): tf.Tensor4D {
  return logits.shape[3] === 1 ? tf.sigmoid(logits) : tf.softmax(logits, -1);
}

/** Mean binary cross-entropy of logits z against targets y, in the stable form
 *  max(z, 0) - z*y + log(1 + exp(-|z|)); with per-pixel weights v, the mean of v times it. */
function binaryCrossEntropy(z: tf.Tensor, y: tf.Tensor, v?: tf.Tensor): tf.Scalar {
  const ce = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
  return tf.mean(v ? tf.mul(ce, v) : ce);
}

/** Soft Dice; with per-pixel weights v, every sum weighs its pixels by v (a pixel of weight 0 is left
 *  out, all weights 1 is the plain Dice). */
function softDice(p: tf.Tensor, y: tf.Tensor, axes: number[], v?: tf.Tensor): tf.Tensor {
  const pv = v ? tf.mul(p, v) : p;
  const inter = tf.sum(tf.mul(pv, y), axes);
  const denom = tf.add(tf.sum(pv, axes), tf.sum(v ? tf.mul(y, v) : y, axes));
  return tf.div(tf.add(tf.mul(inter, 2), 1), tf.add(denom, 1));
}

export function segmentationLoss(
  logits: tf.Tensor4D,
  target: tf.Tensor4D,
  w: LossWeights = DEFAULT_LOSS,
  /** Per-pixel weights [B, H, W, 1] in [0, 1] (one label only): pseudo-labels' confidence
   *  (data/pseudo-labels.ts). Absent: every pixel weighs 1. */
  pixelWeights?: tf.Tensor4D,
): tf.Scalar {
  if (logits.shape.join() !== target.shape.join())
    throw new RangeError(`target ${target.shape.join('x')} does not match logits ${logits.shape.join('x')}`);
  const C = logits.shape[3];
  let ce: tf.Scalar;
  let dice: tf.Scalar;
  if (pixelWeights && (C !== 1 || pixelWeights.shape.join() !== target.shape.join()))
    throw new RangeError("pixel weights need one label and the target's shape");
  if (C === 1 && hasFusedBinaryLoss()) {
    // The same loss in three GPU programs instead of 54 (kernels/webgpu/binary-loss-programs.ts).
    return fusedBinaryLoss(logits, target, pixelWeights, w);
  }
  if (C === 1) {
    ce = binaryCrossEntropy(logits, target, pixelWeights);
    dice = tf.sub(1, softDice(tf.sigmoid(logits), target, [0, 1, 2, 3], pixelWeights)) as tf.Scalar;
  } else {
    // Per pixel: -sum_c y_c log softmax(z)_c, averaged over pixels.
    ce = tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits, -1)), -1))) as tf.Scalar;
    const perClass = softDice(tf.softmax(logits, -1), target, [0, 1, 2]); // [C]
    dice = tf.sub(1, tf.mean(tf.slice(perClass, [1], [C - 1])));
  }
  return tf.add(tf.mul(ce, w.crossEntropy), tf.mul(dice, w.dice));
}
