// The webgpu kernels of ../fused-loss-op.ts, on the programs of binary-loss-programs.ts; registered with
// Concord's other fused webgpu kernels (register-webgpu-kernels.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BINARY_LOSS, BINARY_LOSS_GRAD } from '../fused-loss-op';
import {
  binaryLossBackward,
  binaryLossForward,
  type LossProgramBackend,
  type LossWeightsAttrs,
} from './binary-loss-programs';

interface Backend extends LossProgramBackend {
  disposeData(dataId: object): boolean;
}

function checked(z: TensorInfo, y: TensorInfo, v: TensorInfo | undefined): void {
  const same = (t: TensorInfo): boolean => t.shape.join() === z.shape.join() && t.dtype === 'float32';
  if (z.dtype !== 'float32' || !same(y) || (v && !same(v)))
    throw new Error(`${BINARY_LOSS}: logits, target and weights must be float32 tensors of one shape`);
}

const forward: KernelFunc = (args) => {
  const { z, y, v } = args.inputs as { z: TensorInfo; y: TensorInfo; v?: TensorInfo };
  checked(z, y, v);
  const backend = args.backend as unknown as Backend;
  const [loss, sums] = binaryLossForward(backend, z, y, v ?? null, args.attrs as unknown as LossWeightsAttrs);
  // The [1] result as the scalar the loss is (a reshape shares the data: no dispatch).
  const scalar = tf.getKernel('Reshape', 'webgpu')!.kernelFunc({
    inputs: { x: loss },
    backend: args.backend,
    attrs: { shape: [] },
  }) as TensorInfo;
  backend.disposeData(loss.dataId);
  return [scalar, sums];
};

const backward: KernelFunc = (args) => {
  const { z, y, v, sums, dy } = args.inputs as Record<'z' | 'y' | 'sums' | 'dy', TensorInfo> & {
    v?: TensorInfo;
  };
  checked(z, y, v);
  const w = args.attrs as unknown as LossWeightsAttrs;
  return binaryLossBackward(args.backend as unknown as Backend, z, y, v ?? null, sums, dy, w);
};

/** Registers or removes the fused loss's two webgpu kernels. */
export function setFusedLossKernels(on: boolean): void {
  const has = tf.getKernel(BINARY_LOSS, 'webgpu') !== undefined;
  if (on && !has) {
    tf.registerKernel({ kernelName: BINARY_LOSS, backendName: 'webgpu', kernelFunc: forward });
    tf.registerKernel({ kernelName: BINARY_LOSS_GRAD, backendName: 'webgpu', kernelFunc: backward });
  }
  if (!on && has) {
    tf.unregisterKernel(BINARY_LOSS, 'webgpu');
    tf.unregisterKernel(BINARY_LOSS_GRAD, 'webgpu');
  }
}
