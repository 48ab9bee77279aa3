// The backward kernel of the fused conv + bias + ReLU op (../fused-conv-op.ts) on webgpu. Without it tfjs
// splits its fused conv into conv2d + add + relu whenever gradients are recorded (3 forward dispatches
// instead of 1), and the backward runs the ReLU mask as step + multiply, the bias gradient as its own
// reduction, then the two convolution gradients. Here, per layer:
//   1. dz = dy where y > 0, else 0 (one elementwise program: the ReLU mask, y being the op's output);
//   2. the filter AND bias gradients of dz in one chunked program (conv-filter-grad-program.ts with bias
//      columns), whose chunks are summed into the filter's shape and the bias's (chunk-sum-program.ts);
//   3. the input gradient of dz by tfjs's Conv2DBackpropInput (the naive program, see
//      register-webgpu-kernels.ts).
// Outputs [dx, dw, db], the order of the op's inputs [x, filter, bias].
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';
import { filterGradChunking, filterGradProgram, filterGradUniforms } from './conv-filter-grad-program';
import { sumChunks } from './chunk-sum-program';

interface WebgpuBackendLike {
  runWebGPUProgram(program: object, inputs: TensorInfo[], dtype: 'float32', uniforms?: object[]): TensorInfo;
  disposeData(dataId: object): boolean;
}

/** dz = select(0, dy, y > 0), elementwise over equal shapes. */
function reluMaskProgram(shape: number[]): object {
  const workgroupSize: [number, number, number] = [64, 1, 1];
  const dispatchLayout = { x: shape.map((_, i) => i) };
  return {
    variableNames: ['dy', 'y'],
    outputShape: shape,
    shaderKey: 'concordReluMask',
    dispatchLayout,
    dispatch: webgpu_util.computeDispatch(dispatchLayout, shape, workgroupSize),
    workgroupSize,
    size: true,
    getUserCode: () => `
    fn main(index : i32) {
      if (index < uniforms.size) {
        setOutputAtIndex(index, select(0.0, dy[index], y[index] > 0.0));
      }
    }
  `,
  };
}

function kernel(name: string): KernelFunc {
  const k = tf.getKernel(name, 'webgpu');
  if (!k) throw new Error(`tfjs-backend-webgpu kernel ${name} missing`);
  return k.kernelFunc;
}

export const convBiasReluGradWebgpu: KernelFunc = (args) => {
  const { x, filter, y, dy } = args.inputs as Record<'x' | 'filter' | 'y' | 'dy', TensorInfo>;
  const a = args.attrs as Record<string, unknown>;
  const backend = args.backend as WebgpuBackendLike;
  const filterShape = filter.shape as [number, number, number, number];
  const conv = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    a['strides'] as number,
    1,
    a['pad'] as 'same',
  );
  const dz = backend.runWebGPUProgram(reluMaskProgram(dy.shape), [dy, y], 'float32');

  const weights = filterShape.reduce((p, s) => p * s, 1);
  const outC = conv.outChannels;
  const { chunks, rowsPerChunk } = filterGradChunking(conv.batchSize * conv.outHeight, weights + outC);
  const partial = backend.runWebGPUProgram(
    filterGradProgram(conv, chunks, webgpu_util.computeDispatch as never, true),
    [x, dz],
    'float32',
    filterGradUniforms(conv, rowsPerChunk),
  );
  const dw = sumChunks(backend, partial, 0, filterShape);
  const db = sumChunks(backend, partial, weights, [outC]);
  backend.disposeData(partial.dataId);

  const dx = kernel('Conv2DBackpropInput')({
    inputs: { dy: dz, filter },
    backend: args.backend,
    attrs: {
      strides: a['strides'] as number,
      pad: a['pad'] as string,
      dataFormat: 'NHWC',
      inputShape: x.shape,
    },
  }) as TensorInfo;
  backend.disposeData(dz.dataId);
  return [dx, dw, db];
};
