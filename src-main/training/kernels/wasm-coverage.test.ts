// Which tfjs kernels one training step of the U-Net (Dice + cross-entropy, Adam) runs with tfjs's stock
// kernels, and which of them tfjs's wasm backend lacks: only Conv2DBackpropFilter, the reason training
// on wasm needs Concord's kernels at all. Recorded by profiling a step on the cpu backend.
import '@tensorflow/tfjs-backend-wasm';
import { expect, test } from 'vitest';
import { tf } from '../backends/tfjs';
import { activateCpu } from '../backends/cpu-backend';
import { adam, trainStep } from '../engine/train-step';
import { UNet } from '../model/unet';
import { seededArray } from './test-support';

test('a training step needs these kernels; tfjs wasm lacks only Conv2DBackpropFilter', async () => {
  await activateCpu({ fastKernels: false });
  const model = UNet.create({ levels: 3, base: 4, inChannels: 1, labels: 1 }, 1);
  const opt = adam(1e-3);
  const x = tf.tensor4d(seededArray(2 * 8 * 8, 1), [2, 8, 8, 1]);
  const y = tf.cast(tf.greater(x, 0), 'float32') as tf.Tensor4D;
  trainStep(model, opt, { x, y }).dispose(); // Adam creates its slots on the first step
  const info = await tf.profile(() => trainStep(model, opt, { x, y }).dispose());
  // Names without a cpu kernel are op wrappers (tfjs's fused conv's custom gradient), not kernels.
  const kernels = [...new Set(info.kernels.map((k) => k.name))].filter((k) => tf.getKernel(k, 'cpu')).sort();
  expect(kernels).toEqual([
    'Abs',
    'Add',
    'Cast',
    'Concat',
    'Conv2D',
    'Conv2DBackpropFilter',
    'Conv2DBackpropInput',
    'Exp',
    'FusedConv2D',
    'Identity',
    'Log1p',
    'MaxPool',
    'MaxPoolGrad',
    'Mean',
    'Multiply',
    'Neg',
    'RealDiv',
    'Relu',
    'Reshape',
    'Sigmoid',
    'SplitV',
    'Sqrt',
    'Square',
    'Step',
    'Sub',
    'Sum',
  ]);
  expect(kernels.filter((k) => !tf.getKernel(k, 'wasm'))).toEqual(['Conv2DBackpropFilter']);
  model.dispose();
});
