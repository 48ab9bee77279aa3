// Concord's webgpu mode: tfjs-backend-webgpu's Conv2DBackpropFilter replaced by the chunked program of
// conv-filter-grad-program.ts (NHWC, dilation 1; anything else goes to the original kernel), and its
// matrix-multiply program chosen for Conv2DBackpropInput (the input gradient, and the forward pass of a
// transposed convolution) instead of the naive one tfjs defaults to (WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE).
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';
import { filterGradChunking, filterGradProgram, filterGradUniforms } from './conv-filter-grad-program';

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

/** $CONCORD_WEBGPU_MM_INPUT_GRAD=0 keeps tfjs's naive input-gradient program (to measure each change
 *  apart on a GPU). */
function useMatmulInputGrad(): boolean {
  return process.env['CONCORD_WEBGPU_MM_INPUT_GRAD'] !== '0';
}

export function installWebgpuKernels(): WebgpuKernelsInfo {
  const mm = useMatmulInputGrad();
  const info = { kernels: ['Conv2DBackpropFilter'], flags: { [NAIVE_TRANSPOSE]: !mm } };
  if (installed) return info;
  naiveTranspose = tf.env().getBool(NAIVE_TRANSPOSE);
  if (mm) tf.env().set(NAIVE_TRANSPOSE, false);
  original = tf.getKernel('Conv2DBackpropFilter', 'webgpu');
  const sum = tf.getKernel('Sum', 'webgpu');
  const reshape = tf.getKernel('Reshape', 'webgpu');
  if (!original || !sum || !reshape) throw new Error('tfjs-backend-webgpu kernels missing');
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
    const summed = sum.kernelFunc({
      inputs: { x: partial },
      backend: args.backend,
      attrs: { axis: 0, keepDims: false },
    }) as TensorInfo;
    backend.disposeData(partial.dataId);
    const out = reshape.kernelFunc({
      inputs: { x: summed },
      backend: args.backend,
      attrs: { shape: filterShape },
    }) as TensorInfo;
    backend.disposeData(summed.dataId);
    return out;
  };
  tf.unregisterKernel('Conv2DBackpropFilter', 'webgpu');
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'webgpu', kernelFunc });
  installed = true;
  return info;
}

export function uninstallWebgpuKernels(): void {
  if (!installed || !original) return;
  if (naiveTranspose !== null) tf.env().set(NAIVE_TRANSPOSE, naiveTranspose);
  tf.unregisterKernel('Conv2DBackpropFilter', 'webgpu');
  tf.registerKernel(original);
  installed = false;
}
