// Counts the GPU work a training step records on the webgpu backend: compute dispatches (tfjs creates one
// bind group per program it runs, and Concord's raw kernels one per dispatch: raw-dispatch.ts) and queue
// submissions. On a GPU a step's time is its kernels plus a per-dispatch cost on the CPU (tfjs's
// bookkeeping, Dawn's validation), so the dispatch count is the figure the fused kernels lower; it does not
// depend on the adapter, so a CPU-emulated one measures it too.
import { tf } from '../../backends/tfjs';

export interface GpuCommandCounts {
  dispatches: number;
  submits: number;
}

interface CountedBackend {
  device: { createBindGroup: (d: unknown) => unknown };
  queue: { submit: (b: unknown) => unknown };
}

/** Starts counting on the active webgpu backend (null on any other backend); `stop` restores the
 *  backend's own methods and returns the counts since the start. */
export function countGpuCommands(): { stop: () => GpuCommandCounts } | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const b = tf.backend() as unknown as CountedBackend;
  const counts: GpuCommandCounts = { dispatches: 0, submits: 0 };
  const { device, queue } = b;
  const ownBindGroup = Object.getOwnPropertyDescriptor(device, 'createBindGroup');
  const ownSubmit = Object.getOwnPropertyDescriptor(queue, 'submit');
  const createBindGroup = device.createBindGroup.bind(device);
  const submit = queue.submit.bind(queue);
  device.createBindGroup = (d) => (counts.dispatches++, createBindGroup(d));
  queue.submit = (c) => (counts.submits++, submit(c));
  return {
    stop: () => {
      // Back to the prototype's methods (or to whatever own property was there before).
      if (ownBindGroup) Object.defineProperty(device, 'createBindGroup', ownBindGroup);
      else delete (device as Partial<CountedBackend['device']>).createBindGroup;
      if (ownSubmit) Object.defineProperty(queue, 'submit', ownSubmit);
      else delete (queue as Partial<CountedBackend['queue']>).submit;
      return { ...counts };
    },
  };
}
