// Concord's webgpu mode: tfjs-backend-webgpu's Conv2DBackpropFilter replaced by the chunked program of
// conv-filter-grad-program.ts (NHWC, dilation 1; anything else goes to the original kernel). For
// Conv2DBackpropInput (the input gradient, and the forward pass of a transposed convolution) tfjs's naive
// program stays the default (WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE true): measured on an NVIDIA H100 through
// Dawn (bench/gpu/gpu-check.sh, 2026-11-27), the reference U-Net trained at 45.3 images/s with the naive
// input gradient, 30.7 with tfjs's matrix-multiply program and 16.9 with tfjs's stock kernels.
// $CONCORD_WEBGPU_MM_INPUT_GRAD=1 selects the matrix-multiply program (to measure the two apart).
// The fused path (unless $CONCORD_WEBGPU_FUSED=0): the backward of the fused conv + bias + ReLU op
// (conv-bias-relu-grad.ts; with it, ../fused-conv-op.ts runs the forward as tfjs's one FusedConv2D program),
// the one-kernel Adam step (fused-adam.ts, used by engine/concord-adam.ts) and the one-label loss with its
// gradient in three programs (binary-loss-kernels.ts, used by model/loss.ts through ../fused-loss-op.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';
import { filterGradChunking, filterGradProgram, filterGradUniforms } from './conv-filter-grad-program';
import { sumChunks } from './chunk-sum-program';
import { CONV_BIAS_RELU_GRAD } from '../fused-conv-op';
import { convBiasReluGradWebgpu } from './conv-bias-relu-grad';
import { setFusedAdam } from './fused-adam';
import { setFusedLossKernels } from './binary-loss-kernels';
import { BINARY_LOSS } from '../fused-loss-op';

interface WebgpuBackendLike {
  runWebGPUProgram(program: object, inputs: TensorInfo[], dtype: 'float32', uniforms: object[]): TensorInfo;
  disposeData(dataId: object): boolean;
}

let original: KernelConfig | undefined;
let installed = false;
let naiveTranspose: boolean | null = null;
const NAIVE_TRANSPOSE = 'WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE';

export interface WebgpuKernelsInfo {
  kernels: string[];
  flags: Record<string, boolean>;
}

/** $CONCORD_WEBGPU_MM_INPUT_GRAD=1: tfjs's matrix-multiply input-gradient program instead of the naive
 *  one (slower on an H100: 30.7 against 45.3 images/s for the reference U-Net). */
function useMatmulInputGrad(): boolean {
  return process.env['CONCORD_WEBGPU_MM_INPUT_GRAD'] === '1';
}

/** $CONCORD_WEBGPU_FUSED=0: the fused conv + bias + ReLU backward and the fused Adam step off. */
function useFused(): boolean {
  return process.env['CONCORD_WEBGPU_FUSED'] !== '0';
}

/** Registers or removes the fused conv + bias + ReLU backward (followed at every install). */
function setFusedConvGrad(on: boolean): void {
  const has = tf.getKernel(CONV_BIAS_RELU_GRAD, 'webgpu') !== undefined;
  if (on && !has)
    tf.registerKernel({
      kernelName: CONV_BIAS_RELU_GRAD,
      backendName: 'webgpu',
      kernelFunc: convBiasReluGradWebgpu,
    });
  if (!on && has) tf.unregisterKernel(CONV_BIAS_RELU_GRAD, 'webgpu');
}

export function installWebgpuKernels(): WebgpuKernelsInfo {
  const mm = useMatmulInputGrad();
  const fused = useFused();
  const info = {
    kernels: [
      'Conv2DBackpropFilter',
      ...(fused ? [CONV_BIAS_RELU_GRAD, 'ConcordFusedAdam', BINARY_LOSS] : []),
    ],
    flags: { [NAIVE_TRANSPOSE]: !mm, fused },
  };
  // The flags follow the environment at every install (tfjs reads its flag when it runs the kernel).
  if (naiveTranspose === null) naiveTranspose = tf.env().getBool(NAIVE_TRANSPOSE);
  tf.env().set(NAIVE_TRANSPOSE, !mm);
  setFusedConvGrad(fused);
  setFusedAdam(fused);
  setFusedLossKernels(fused);
  if (installed) return info;
  original = tf.getKernel('Conv2DBackpropFilter', 'webgpu');
  if (!original) throw new Error('tfjs-backend-webgpu kernel Conv2DBackpropFilter missing');
  const orig = original;
  const kernelFunc: KernelFunc = (args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const a = args.attrs as Record<string, unknown>;
    if (a['dataFormat'] === 'NCHW' || x.dtype !== 'float32' || dy.dtype !== 'float32')
      return orig.kernelFunc(args);
    const filterShape = a['filterShape'] as [number, number, number, number];
    const conv = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      a['strides'] as number,
      1,
      a['pad'] as 'same',
      a['dimRoundingMode'] as 'floor' | undefined,
    );
    const backend = args.backend as WebgpuBackendLike;
    const weights = filterShape.reduce((p, s) => p * s, 1);
    const { chunks, rowsPerChunk } = filterGradChunking(conv.batchSize * conv.outHeight, weights);
    const program = filterGradProgram(conv, chunks, webgpu_util.computeDispatch as never);
    const partial = backend.runWebGPUProgram(
      program,
      [x, dy],
      'float32',
      filterGradUniforms(conv, rowsPerChunk),
    );
    const out = sumChunks(backend, partial, 0, filterShape);
    backend.disposeData(partial.dataId);
    return out;
  };
  tf.unregisterKernel('Conv2DBackpropFilter', 'webgpu');
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'webgpu', kernelFunc });
  installed = true;
  return info;
}

export function uninstallWebgpuKernels(): void {
  setFusedConvGrad(false);
  setFusedAdam(false);
  setFusedLossKernels(false);
  if (naiveTranspose !== null) tf.env().set(NAIVE_TRANSPOSE, naiveTranspose);
  naiveTranspose = null;
  if (!installed || !original) return;
  tf.unregisterKernel('Conv2DBackpropFilter', 'webgpu');
  tf.registerKernel(original);
  installed = false;
}
