// Sums the chunked filter-gradient partials (conv-filter-grad-program.ts: [P, columns], chunk p's sums in
// row p) over the chunks, for `count` consecutive columns from `offset`, straight into the gradient's own
// shape. tfjs's Sum over axis 0 first transposes the whole [P, columns] tensor (one program), then reduces
// (another), and the fused conv + bias + ReLU backward then cut filter and bias apart with two slices:
// four dispatches a layer, where this takes one for the filter and one for the bias.
//
// A workgroup of 256 threads owns 16 adjacent columns: thread (lane l, column c) adds rows l, l + 16, ...
// (adjacent threads read adjacent columns of a row), then the 16 lanes of each column are added by halving
// in workgroup memory. Workgroups are laid out 2D (x up to 65,535) so any column count fits.
import type { TensorInfo } from '@tensorflow/tfjs-core';

const COLUMNS = 16;
const LANES = 16;
/** WebGPU's default limit on workgroups along one dispatch dimension. */
const MAX_X = 65535;

export interface ChunkSumBackend {
  runWebGPUProgram(program: object, inputs: TensorInfo[], dtype: 'float32', uniforms: object[]): TensorInfo;
}

function chunkSumProgram(outputShape: number[], count: number, maxX: number): object {
  const groups = Math.ceil(count / COLUMNS);
  const x = Math.min(groups, maxX);
  return {
    variableNames: ['partial'],
    outputShape,
    shaderKey: 'concordChunkSum',
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [x, Math.ceil(groups / x), 1],
    workgroupSize: [COLUMNS * LANES, 1, 1],
    uniforms: 'chunks : i32, columns : i32, offset : i32, count : i32,',
    getUserCode: () => `
    var<workgroup> lanes : array<f32, ${COLUMNS * LANES}>;
    fn main(index : i32) {
      let group = i32(workgroupId.y * numWorkgroups.x + workgroupId.x);
      let lane = i32(localIndex / ${COLUMNS}u);
      let col = group * ${COLUMNS} + i32(localIndex % ${COLUMNS}u);
      var acc = 0.0;
      if (col < uniforms.count) {
        for (var p = lane; p < uniforms.chunks; p = p + ${LANES}) {
          acc = acc + partial[p * uniforms.columns + uniforms.offset + col];
        }
      }
      lanes[localIndex] = acc;
      workgroupBarrier();
      for (var s = ${(COLUMNS * LANES) / 2}u; s >= ${COLUMNS}u; s = s / 2u) {
        if (localIndex < s) {
          lanes[localIndex] = lanes[localIndex] + lanes[localIndex + s];
        }
        workgroupBarrier();
      }
      if (lane == 0 && col < uniforms.count) {
        setOutputAtIndex(col, lanes[localIndex]);
      }
    }
  `,
  };
}

/** The sum over the rows of `partial` [P, columns] of columns offset .. offset + count - 1, as a tensor of
 *  `shape` (count elements, in column order). `maxX`: at most this many workgroups along x (tests lower it to
 *  reach the 2D layout with a few columns). */
export function sumChunks(
  backend: ChunkSumBackend,
  partial: TensorInfo,
  offset: number,
  shape: number[],
  maxX = MAX_X,
): TensorInfo {
  const [chunks, columns] = partial.shape as [number, number];
  const count = shape.reduce((p, s) => p * s, 1);
  if (offset + count > columns) throw new Error(`columns ${offset}..${offset + count} of ${columns}`);
  return backend.runWebGPUProgram(chunkSumProgram(shape, count, maxX), [partial], 'float32', [
    { type: 'int32', data: [chunks] },
    { type: 'int32', data: [columns] },
    { type: 'int32', data: [offset] },
    { type: 'int32', data: [count] },
  ]);
}
