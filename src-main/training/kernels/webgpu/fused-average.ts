// The weights' moving average (engine/weight-average.ts) on webgpu: avg <- avg*d + w*(1-d) in one WGSL
// dispatch per variable, in place, recorded with the optimizer's in tfjs's command encoder
// (raw-dispatch.ts), instead of tfjs's mul, mul, add and assign per variable (~150 dispatches a step for
// the reference U-Net). The arithmetic is tfjs's, in float32: a*d + w*(1-d), d and 1-d rounded from double.
import type { tf } from '../../backends/tfjs';
import { fusedAdamEnabled } from './fused-adam';
import {
  ownedBuffer,
  pipelineFor,
  readBuffer,
  recordDispatches,
  webgpuBackend,
  WORKGROUP,
} from './raw-dispatch';

const CODE = /* wgsl */ `
struct Decay {
  n : u32,
  d : f32,
  od : f32,
};
@group(0) @binding(0) var<storage, read_write> a : array<f32>;
@group(0) @binding(1) var<storage, read> w : array<f32>;
@group(0) @binding(2) var<uniform> k : Decay;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) groups : vec3<u32>) {
  let stride = groups.x * ${WORKGROUP}u;
  for (var i = gid.x; i < k.n; i = i + stride) {
    a[i] = a[i] * k.d + w[i] * k.od;
  }
}`;

/** Whether the fused average step runs now: webgpu, the fused path on (fused-adam.ts's switch), float32. */
export function canFuseAverage(pairs: { average: tf.Variable; weight: tf.Variable }[]): boolean {
  return (
    fusedAdamEnabled() &&
    webgpuBackend() !== null &&
    pairs.every((p) => p.average.dtype === 'float32' && p.weight.dtype === 'float32')
  );
}

/** Records avg <- avg*d + w*(1-d) for every pair into the webgpu backend's command stream. */
export function fusedAverageStep(
  pairs: { average: tf.Variable; weight: tf.Variable }[],
  decay: number,
): void {
  const b = webgpuBackend();
  if (!b) throw new Error('the fused average step needs the webgpu backend');
  const pipeline = pipelineFor(b, 'concordFusedAverage', CODE);
  recordDispatches(
    b,
    pipeline,
    pairs.map((p) => {
      const u = new ArrayBuffer(12);
      new Uint32Array(u, 0, 1)[0] = p.average.size;
      new Float32Array(u, 4, 2).set([decay, 1 - decay]);
      return {
        buffers: [ownedBuffer(b, p.average), readBuffer(b, p.weight)],
        tensors: [p.average, p.weight],
        uniform: u,
        elements: p.average.size,
      };
    }),
  );
}
