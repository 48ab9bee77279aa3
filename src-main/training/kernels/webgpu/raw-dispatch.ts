// Compute dispatches recorded straight into tfjs-backend-webgpu's own command encoder, for work that
// tfjs would otherwise run as many small ops (the optimizer step, the weight average): one pipeline,
// one bind group per tensor, no tfjs op, no intermediate tensor, and buffers updated IN PLACE.
//
// Ordering: the dispatches go into the same encoder and compute pass tfjs records into, so they run after
// every op recorded before them and before every op recorded after. Lifetimes: each bound tensor's data id
// joins tfjs's commandQueueOwnedIds, so tfjs defers freeing its buffer until the encoder is submitted
// (a gradient disposed right after the step keeps its buffer until the GPU has read it).
// In place: a tensor written here must own its data alone (tfjs shares one buffer between a tensor and its
// clones, a variable and the tensor it was made from); `ownedBuffer` copies it first when it does not, and
// forgets any copy tfjs cached on the CPU by an earlier read.
//
// No import of tfjs-backend-webgpu (it must not load before navigator.gpu is set): the backend is
// reached through tf.backend() and described by the few members used here.
import { tf } from '../../backends/tfjs';

/** The WebGPU objects used here (structural: the project does not depend on @webgpu/types). */
export interface GpuBuffer {
  readonly size: number;
}
interface GpuPass {
  setPipeline(p: GpuPipeline): void;
  setBindGroup(i: number, g: object): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}
export interface GpuPipeline {
  getBindGroupLayout(i: number): object;
}
interface GpuDevice {
  createShaderModule(d: { code: string }): object;
  createComputePipeline(d: { layout: 'auto'; compute: { module: object; entryPoint: string } }): GpuPipeline;
  createBindGroup(d: {
    layout: object;
    entries: { binding: number; resource: { buffer: GpuBuffer; offset?: number; size?: number } }[];
  }): object;
  readonly limits: { minUniformBufferOffsetAlignment: number };
}
interface TensorData {
  values: unknown;
  resource: unknown;
  refCount: number;
}
interface WebgpuBackend {
  device: GpuDevice;
  queue: { writeBuffer(b: GpuBuffer, offset: number, data: ArrayBuffer): void };
  tensorMap: { get(dataId: object): TensorData | undefined };
  commandQueueOwnedIds: WeakSet<object>;
  uniformPendingDisposal: GpuBuffer[];
  bufferManager: { acquireBuffer(size: number, usage: number): GpuBuffer };
  commandEncoder: { beginComputePass(d: object): GpuPass } | null;
  computePassEncoder: GpuPass | null;
  dispatchCountInPass: number;
  activeTimers: unknown[] | null | undefined;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  uploadToGPU(dataId: object): void;
  refCount(dataId: object): number;
}

// WebGPU's GPUBufferUsage bits (spec values).
const USAGE_COPY_DST = 0x08;
const USAGE_UNIFORM = 0x40;

/** Threads per workgroup of every raw kernel; each thread walks its tensor with a grid stride. */
export const WORKGROUP = 256;
/** At most this many workgroups per tensor (the grid-stride loop covers the rest; under WebGPU's 65,535). */
const MAX_GROUPS = 4096;

/** The active tfjs backend when it is webgpu, else null. */
export function webgpuBackend(): WebgpuBackend | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return tf.backend() as unknown as WebgpuBackend;
}

const pipelines = new WeakMap<GpuDevice, Map<string, GpuPipeline>>();

/** The compute pipeline of `code` (entry point `main`) on the backend's device, compiled once. */
export function pipelineFor(b: WebgpuBackend, key: string, code: string): GpuPipeline {
  let byKey = pipelines.get(b.device);
  if (!byKey) pipelines.set(b.device, (byKey = new Map()));
  let p = byKey.get(key);
  if (!p) {
    const module = b.device.createShaderModule({ code });
    p = b.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    byKey.set(key, p);
  }
  return p;
}

/** The GPU buffer holding `t`'s values, for reading. */
export function readBuffer(b: WebgpuBackend, t: tf.Tensor): GpuBuffer {
  b.uploadToGPU(t.dataId);
  const d = b.tensorMap.get(t.dataId);
  if (
    !d ||
    !d.resource ||
    typeof (d.resource as GpuBuffer).size !== 'number' ||
    'createView' in (d.resource as object)
  )
    throw new Error(`tensor ${t.id} has no GPU buffer`);
  return d.resource as GpuBuffer;
}

/** The GPU buffer of variable `v` for writing in place: a private copy first when another tensor shares
 *  its data, and any CPU copy of its values dropped (the next read then comes from the GPU). */
export function ownedBuffer(b: WebgpuBackend, v: tf.Variable): GpuBuffer {
  if (b.refCount(v.dataId) > 1) {
    // x * 1 is exact for every float32 (NaN and infinities included): a copy with its own buffer.
    const copy = tf.tidy(() => tf.mul(v, tf.scalar(1, v.dtype)));
    v.assign(copy);
    copy.dispose();
  }
  const buf = readBuffer(b, v);
  b.tensorMap.get(v.dataId)!.values = null;
  return buf;
}

/** One dispatch of a raw kernel: its storage buffers in binding order (the uniform block comes last,
 *  binding = buffers.length), the block's 32-bit words, and the element count the threads cover. */
export interface RawDispatch {
  buffers: GpuBuffer[];
  tensors: tf.Tensor[];
  uniform: ArrayBuffer;
  elements: number;
}

/** Records `dispatches` of `pipeline` into tfjs's command encoder, in order, in one compute pass, with
 *  their uniform blocks in one buffer (one slot each, at the device's uniform offset alignment). */
export function recordDispatches(b: WebgpuBackend, pipeline: GpuPipeline, dispatches: RawDispatch[]): void {
  if (dispatches.length === 0) return;
  const align = Math.max(256, b.device.limits.minUniformBufferOffsetAlignment);
  const slot = Math.ceil(Math.max(...dispatches.map((d) => d.uniform.byteLength)) / align) * align;
  const block = new Uint8Array(slot * dispatches.length);
  dispatches.forEach((d, i) => block.set(new Uint8Array(d.uniform), i * slot));
  const uniforms = b.bufferManager.acquireBuffer(block.byteLength, USAGE_COPY_DST | USAGE_UNIFORM);
  b.queue.writeBuffer(uniforms, 0, block.buffer);
  // Released to tfjs's pool when the encoder is submitted, as tfjs does with its own uniforms.
  b.uniformPendingDisposal.push(uniforms);
  b.ensureCommandEncoderReady();
  // Under tf.profile tfjs times each program in a pass of its own; these run in a plain pass after it.
  if (b.activeTimers) b.endComputePassEncoder();
  if (!b.computePassEncoder) b.computePassEncoder = b.commandEncoder!.beginComputePass({});
  const pass = b.computePassEncoder;
  const layout = pipeline.getBindGroupLayout(0);
  pass.setPipeline(pipeline);
  dispatches.forEach((d, i) => {
    for (const t of d.tensors) b.commandQueueOwnedIds.add(t.dataId);
    const entries: { binding: number; resource: { buffer: GpuBuffer; offset?: number; size?: number } }[] =
      d.buffers.map((buffer, k) => ({ binding: k, resource: { buffer } }));
    entries.push({
      binding: d.buffers.length,
      resource: { buffer: uniforms, offset: i * slot, size: d.uniform.byteLength },
    });
    pass.setBindGroup(0, b.device.createBindGroup({ layout, entries }));
    pass.dispatchWorkgroups(Math.max(1, Math.min(MAX_GROUPS, Math.ceil(d.elements / WORKGROUP))));
  });
  b.dispatchCountInPass += dispatches.length;
  if (b.activeTimers || b.dispatchCountInPass >= Number(tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE'))) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
}
