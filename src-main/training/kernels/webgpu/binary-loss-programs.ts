// The one-label segmentation loss (../../model/loss.ts: mean cross-entropy + soft Dice on sigmoid
// probabilities) and its gradient on webgpu in three programs, where tfjs's autodiff runs 54 element-wise
// and reduction programs a step of the reference U-Net, op by op (src-main/bench/RESULTS-speed.md, "GPU
// dispatches per training step").
//   1. sums: one workgroup of 256 threads strides over the N pixels and reduces, in float32,
//      [sum v*ce, sum v*p*y, sum v*p, sum v*y] (ce the stable cross-entropy of logit z against target y,
//      p = sigmoid(z), v the pixel's weight, 1 without weights). One workgroup makes one pass over the batch
//      (N = 262,144 at 128x128, batch 16: 1 MB of logits) rather than a second dispatch adding several
//      workgroups' sums; its GPU time is not measured here (no GPU);
//   2. value: loss = wCE * S_ce / N + wDice * (1 - (2 I + 1) / (P + Y + 1)), from the sums;
//   3. gradient: dz = g * v * (wCE * (p - y) / N + wDice * ((2 I + 1) - 2 y D) / D^2 * p (1 - p)),
//      D = P + Y + 1, g the loss's upstream gradient.
// Layouts: z, y, v and dz are the flat NHWC tensors [B, H, W, 1], all of one shape. Inputs are read through
// f32(): tfjs keeps a tensor cast from bool or int32 in its int32 buffer (the target often is one).
import type { TensorInfo } from '@tensorflow/tfjs-core';

const THREADS = 256;

export interface LossProgramBackend {
  runWebGPUProgram(program: object, inputs: TensorInfo[], dtype: 'float32', uniforms: object[]): TensorInfo;
}

export interface LossWeightsAttrs {
  crossEntropy: number;
  dice: number;
}

/** WGSL: p = sigmoid(z) and the stable cross-entropy max(z, 0) - z*y + log(1 + exp(-|z|)) (log1p by
 *  its series where exp(-|z|) is below 1e-4, where log(1 + t) would round t away). */
const PIXEL = `
fn lossPixel(zi : f32, yi : f32) -> vec2<f32> {
  let t = exp(-abs(zi));
  let l1p = select(log(1.0 + t), t * (1.0 - 0.5 * t), t < 1e-4);
  let p = select(t / (1.0 + t), 1.0 / (1.0 + t), zi >= 0.0);
  return vec2<f32>(p, max(zi, 0.0) - zi * yi + l1p);
}`;

function sumsProgram(weighted: boolean): object {
  return {
    variableNames: weighted ? ['z', 'y', 'v'] : ['z', 'y'],
    outputShape: [4],
    shaderKey: 'concordBinaryLossSums',
    dispatchLayout: { x: [0] },
    dispatch: [1, 1, 1],
    workgroupSize: [THREADS, 1, 1],
    uniforms: 'n : i32,',
    getUserCode: () => `
    ${PIXEL}
    var<workgroup> part : array<vec4<f32>, ${THREADS}>;
    fn main(index : i32) {
      var acc = vec4<f32>(0.0);
      for (var i = i32(localIndex); i < uniforms.n; i = i + ${THREADS}) {
        let yi = f32(y[i]);
        let pc = lossPixel(f32(z[i]), yi);
        let vi = ${weighted ? 'f32(v[i])' : '1.0'};
        acc = acc + vi * vec4<f32>(pc.y, pc.x * yi, pc.x, yi);
      }
      part[localIndex] = acc;
      workgroupBarrier();
      for (var s = ${THREADS / 2}u; s >= 1u; s = s / 2u) {
        if (localIndex < s) {
          part[localIndex] = part[localIndex] + part[localIndex + s];
        }
        workgroupBarrier();
      }
      if (localIndex == 0u) {
        let total = part[0];
        for (var k = 0; k < 4; k = k + 1) {
          setOutputAtIndex(k, total[k]);
        }
      }
    }
  `,
  };
}

function valueProgram(): object {
  return {
    variableNames: ['sums'],
    outputShape: [1],
    shaderKey: 'concordBinaryLossValue',
    dispatchLayout: { x: [0] },
    dispatch: [1, 1, 1],
    workgroupSize: [1, 1, 1],
    uniforms: 'n : f32, wCE : f32, wDice : f32,',
    getUserCode: () => `
    fn main(index : i32) {
      let dice = (2.0 * sums[1] + 1.0) / (sums[2] + sums[3] + 1.0);
      setOutputAtIndex(0, uniforms.wCE * (sums[0] / uniforms.n) + uniforms.wDice * (1.0 - dice));
    }
  `,
  };
}

function gradProgram(shape: number[], weighted: boolean): object {
  const workgroupSize: [number, number, number] = [THREADS, 1, 1];
  const size = shape.reduce((p, s) => p * s, 1);
  const groups = Math.ceil(size / THREADS);
  const x = Math.min(groups, 65535);
  return {
    variableNames: weighted ? ['z', 'y', 'sums', 'g', 'v'] : ['z', 'y', 'sums', 'g'],
    outputShape: shape,
    shaderKey: 'concordBinaryLossGrad',
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [x, Math.ceil(groups / x), 1],
    workgroupSize,
    uniforms: 'n : i32, wCE : f32, wDice : f32,',
    getUserCode: () => `
    ${PIXEL}
    fn main(index : i32) {
      let i = i32(workgroupId.y * numWorkgroups.x + workgroupId.x) * ${THREADS} + i32(localIndex);
      if (i >= uniforms.n) {
        return;
      }
      let yi = f32(y[i]);
      let p = lossPixel(f32(z[i]), yi).x;
      let d = sums[2] + sums[3] + 1.0;
      let ce = uniforms.wCE * (p - yi) / f32(uniforms.n);
      let dice = uniforms.wDice * ((2.0 * sums[1] + 1.0) - 2.0 * yi * d) / (d * d) * p * (1.0 - p);
      setOutputAtIndex(i, g[0] * ${weighted ? 'f32(v[i])' : '1.0'} * (ce + dice));
    }
  `,
  };
}

/** [loss [1], sums [4]] of logits z against target y (pixel weights v or none). */
export function binaryLossForward(
  backend: LossProgramBackend,
  z: TensorInfo,
  y: TensorInfo,
  v: TensorInfo | null,
  w: LossWeightsAttrs,
): [TensorInfo, TensorInfo] {
  const n = z.shape.reduce((p, s) => p * s, 1);
  const sums = backend.runWebGPUProgram(sumsProgram(v !== null), v ? [z, y, v] : [z, y], 'float32', [
    { type: 'int32', data: [n] },
  ]);
  const loss = backend.runWebGPUProgram(valueProgram(), [sums], 'float32', [
    { type: 'float32', data: [n] },
    { type: 'float32', data: [w.crossEntropy] },
    { type: 'float32', data: [w.dice] },
  ]);
  return [loss, sums];
}

/** dLoss/dz times the upstream gradient g (a one-element tensor). */
export function binaryLossBackward(
  backend: LossProgramBackend,
  z: TensorInfo,
  y: TensorInfo,
  v: TensorInfo | null,
  sums: TensorInfo,
  g: TensorInfo,
  w: LossWeightsAttrs,
): TensorInfo {
  const n = z.shape.reduce((p, s) => p * s, 1);
  const inputs = v ? [z, y, sums, g, v] : [z, y, sums, g];
  return backend.runWebGPUProgram(gradProgram(z.shape, v !== null), inputs, 'float32', [
    { type: 'int32', data: [n] },
    { type: 'float32', data: [w.crossEntropy] },
    { type: 'float32', data: [w.dice] },
  ]);
}
