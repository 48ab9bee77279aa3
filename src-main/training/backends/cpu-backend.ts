// The `cpu` backend: tfjs's pure-JavaScript kernels, with Concord's WebAssembly SIMD convolutions in
// place of its scalar ones (see kernels/register-kernels.ts). Always available.
import { startBackend } from './tfjs';
import { installFastKernels, uninstallFastKernels } from '../kernels/register-kernels';
import type { BackendReport } from './backend-report';

export interface CpuOptions {
  /** Threads for the convolution kernels (default: one per CPU). */
  threads?: number;
  /** false: tfjs's own kernels only (the pure-JS baseline, for comparison). */
  fastKernels?: boolean;
}

export async function activateCpu(
  o: CpuOptions = {},
): Promise<Omit<BackendReport, 'requested' | 'unavailable'>> {
  await startBackend('cpu');
  if (o.fastKernels === false) {
    await uninstallFastKernels('cpu');
    return {
      active: 'cpu',
      device: 'JavaScript, 1 thread (tfjs kernels only)',
      detail: { fastKernels: null },
    };
  }
  const k = await installFastKernels('cpu', o.threads);
  return {
    active: 'cpu',
    device: `JavaScript + WebAssembly SIMD convolutions, ${k.threads} thread${k.threads > 1 ? 's' : ''}`,
    detail: { threads: k.threads, fastKernels: k },
  };
}
