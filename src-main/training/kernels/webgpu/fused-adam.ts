// Adam's whole update for one tensor in one WGSL kernel: read the gradient, update the first and second
// moments and the weight in place. tfjs's AdamOptimizer runs ~12 ops per variable (mul, add, square, div,
// sqrt, assign...) and so ~600 dispatches a step for the reference U-Net; here it is one dispatch per
// variable, all recorded in one compute pass of tfjs's command encoder (raw-dispatch.ts).
//
// The arithmetic is tfjs's, in the same order and in float32 (adam_optimizer.js):
//   m' = m*b1 + g*(1-b1);  v' = v*b2 + g²*(1-b2);  w' = ((m'/c1) / (sqrt(v'/c2) + eps)) * (-lr) + w
// with c1 = 1 - b1^t, c2 = 1 - b2^t the bias corrections of step t (1-based).
import type { tf } from '../../backends/tfjs';
import {
  ownedBuffer,
  pipelineFor,
  readBuffer,
  recordDispatches,
  webgpuBackend,
  WORKGROUP,
} from './raw-dispatch';

const CODE = /* wgsl */ `
struct Hyper {
  n : u32,
  lr : f32,
  b1 : f32,
  b2 : f32,
  ob1 : f32,
  ob2 : f32,
  c1 : f32,
  c2 : f32,
  eps : f32,
};
@group(0) @binding(0) var<storage, read_write> w : array<f32>;
@group(0) @binding(1) var<storage, read_write> m : array<f32>;
@group(0) @binding(2) var<storage, read_write> v : array<f32>;
@group(0) @binding(3) var<storage, read> g : array<f32>;
@group(0) @binding(4) var<uniform> h : Hyper;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid : vec3<u32>, @builtin(num_workgroups) groups : vec3<u32>) {
  let stride = groups.x * ${WORKGROUP}u;
  for (var i = gid.x; i < h.n; i = i + stride) {
    let gi = g[i];
    let nm = m[i] * h.b1 + gi * h.ob1;
    let nv = v[i] * h.b2 + (gi * gi) * h.ob2;
    m[i] = nm;
    v[i] = nv;
    w[i] = ((nm / h.c1) / (sqrt(nv / h.c2) + h.eps)) * (-h.lr) + w[i];
  }
}`;

let enabled = false;

/** Switches the fused step on or off (register-webgpu-kernels.ts: on with Concord's webgpu kernels unless
 *  $CONCORD_WEBGPU_FUSED=0; off: tfjs's per-op update, to measure the two apart). */
export function setFusedAdam(on: boolean): void {
  enabled = on;
}

export function fusedAdamEnabled(): boolean {
  return enabled;
}

export interface AdamHyper {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 - beta1^t and 1 - beta2^t for this step (float32, as tfjs computes them). */
  correction1: number;
  correction2: number;
}

export interface AdamSlot {
  weight: tf.Variable;
  m: tf.Variable;
  v: tf.Variable;
  grad: tf.Tensor;
}

/** Whether the fused step can run now: the active backend is webgpu and every tensor is float32. */
export function canFuseAdam(slots: AdamSlot[]): boolean {
  return (
    webgpuBackend() !== null &&
    slots.every((s) => [s.weight, s.m, s.v, s.grad].every((t) => t.dtype === 'float32'))
  );
}

/** Records one Adam step over all `slots` (one dispatch each) into the webgpu backend's command stream. */
export function fusedAdamStep(slots: AdamSlot[], h: AdamHyper): void {
  const b = webgpuBackend();
  if (!b) throw new Error('the fused Adam step needs the webgpu backend');
  const pipeline = pipelineFor(b, 'concordFusedAdam', CODE);
  const dispatches = slots.map((s) => {
    const u = new ArrayBuffer(36);
    new Uint32Array(u, 0, 1)[0] = s.weight.size;
    // The constants tfjs passes as float32 scalars: 1 - b1 and 1 - b2 rounded from double, -lr.
    new Float32Array(u, 4, 8).set([
      h.learningRate,
      h.beta1,
      h.beta2,
      1 - h.beta1,
      1 - h.beta2,
      h.correction1,
      h.correction2,
      h.epsilon,
    ]);
    return {
      buffers: [ownedBuffer(b, s.weight), ownedBuffer(b, s.m), ownedBuffer(b, s.v), readBuffer(b, s.grad)],
      tensors: [s.weight, s.m, s.v, s.grad],
      uniform: u,
      elements: s.weight.size,
    };
  });
  recordDispatches(b, pipeline, dispatches);
}
