// A WebGPU program for the convolution filter gradient that spreads the sum over pixels across threads.
// tfjs's own Conv2DDerFilterProgram gives each filter weight ONE thread that loops over every pixel of
// the batch (batch x height x width iterations in series: 262,144 for the reference network's first
// layer, whose 144 weights then occupy 144 threads of a GPU that runs ~100,000). Here the output rows are
// cut into P chunks: thread (p, w) sums chunk p for weight w into a partial [P, weights] tensor, which
// chunk-sum-program.ts then reduces. P is chosen so about 2^18 threads run, whatever the layer's size.
//
// Layouts: x NHWC [B, inH, inW, inC], dy NHWC [B, outH, outW, outC], partials [P, fh*fw*inC*outC] with
// the weight index in HWIO order, so summing axis 0 and reshaping gives the filter gradient. With
// `withBias`, outC more columns follow the weights: column weights + c sums dy's channel c over the
// chunk's pixels, so the same sum also gives the bias gradient (the fused conv + bias + ReLU backward).
import type { backend_util } from '@tensorflow/tfjs-core';

/** The program object tfjs-backend-webgpu compiles (its WebGPUProgram interface). */
export interface FilterGradProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  uniforms: string;
  getUserCode: () => string;
}

export const TARGET_THREADS = 1 << 18;

/** Chunking of the B*outH output rows: P chunks of rowsPerChunk rows (the last may be shorter). */
export function filterGradChunking(rows: number, weights: number): { chunks: number; rowsPerChunk: number } {
  const want = Math.max(1, Math.min(rows, Math.ceil(TARGET_THREADS / weights)));
  const rowsPerChunk = Math.ceil(rows / want);
  return { chunks: Math.ceil(rows / rowsPerChunk), rowsPerChunk };
}

export function filterGradProgram(
  info: backend_util.Conv2DInfo,
  chunks: number,
  dispatch: (
    layout: { x: number[] },
    shape: number[],
    wg: [number, number, number],
  ) => [number, number, number],
  withBias = false,
): FilterGradProgram {
  const weights = info.filterHeight * info.filterWidth * info.inChannels * info.outChannels;
  const outputShape = [chunks, weights + (withBias ? info.outChannels : 0)];
  const dispatchLayout = { x: [0, 1] };
  const workgroupSize: [number, number, number] = [64, 1, 1];
  return {
    variableNames: ['x', 'dy'],
    outputShape,
    shaderKey: withBias ? 'concordConv2DDerFilterBiasChunked' : 'concordConv2DDerFilterChunked',
    dispatchLayout,
    dispatch: dispatch(dispatchLayout, outputShape, workgroupSize),
    workgroupSize,
    size: true,
    uniforms:
      'pads : vec2<i32>, strides : vec2<i32>, filterDims : vec4<i32>, outHW : vec2<i32>, inHW : vec2<i32>, rowsPerChunk : i32, rows : i32,',
    getUserCode: () => `
    fn main(index : i32) {
      if (index < uniforms.size) {
        let fd = uniforms.filterDims;
        let weights = fd[0] * fd[1] * fd[2] * fd[3];
        let columns = ${withBias ? 'weights + fd[3]' : 'weights'};
        let p = index / columns;
        var w = index - p * columns;
        let r0 = p * uniforms.rowsPerChunk;
        let r1 = min(r0 + uniforms.rowsPerChunk, uniforms.rows);
        if (w >= weights) {
          // A bias column: dy's channel w - weights summed over the chunk's rows.
          let c = w - weights;
          var bsum = 0.0;
          for (var r = r0; r < r1; r = r + 1) {
            let b = r / uniforms.outHW[0];
            let yR = r - b * uniforms.outHW[0];
            for (var yC = 0; yC < uniforms.outHW[1]; yC = yC + 1) {
              bsum = bsum + getDy(b, yR, yC, c);
            }
          }
          setOutputAtIndex(index, bsum);
          return;
        }
        let d2 = w % fd[3];
        w = w / fd[3];
        let d1 = w % fd[2];
        w = w / fd[2];
        let wC = w % fd[1];
        let wR = w / fd[1];
        var acc = 0.0;
        for (var r = r0; r < r1; r = r + 1) {
          let b = r / uniforms.outHW[0];
          let yR = r - b * uniforms.outHW[0];
          let xR = wR + yR * uniforms.strides[0] - uniforms.pads[0];
          if (xR < 0 || xR >= uniforms.inHW[0]) {
            continue;
          }
          for (var yC = 0; yC < uniforms.outHW[1]; yC = yC + 1) {
            let xC = wC + yC * uniforms.strides[1] - uniforms.pads[1];
            if (xC < 0 || xC >= uniforms.inHW[1]) {
              continue;
            }
            acc = acc + getX(b, xR, xC, d1) * getDy(b, yR, yC, d2);
          }
        }
        setOutputAtIndex(index, acc);
      }
    }
  `,
  };
}

export function filterGradUniforms(
  info: backend_util.Conv2DInfo,
  rowsPerChunk: number,
): { type: 'int32'; data: number[] }[] {
  return [
    { type: 'int32', data: [info.padInfo.top, info.padInfo.left] },
    { type: 'int32', data: [info.strideHeight, info.strideWidth] },
    { type: 'int32', data: [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels] },
    { type: 'int32', data: [info.outHeight, info.outWidth] },
    { type: 'int32', data: [info.inHeight, info.inWidth] },
    { type: 'int32', data: [rowsPerChunk] },
    { type: 'int32', data: [info.batchSize * info.outHeight] },
  ];
}
