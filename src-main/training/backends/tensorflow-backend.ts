// The `tensorflow` backend: libtensorflow through @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node
// (CPU). Both download libtensorflow when installed, which fails offline, so neither is a dependency:
// they are imported at run time if present. For the GPU package, TensorFlow's own report of whether it
// placed work on a GPU is checked, since the package loads (and silently runs on the CPU) without CUDA.
import { startBackend, tf } from './tfjs';
import { isNotInstalled, reasonOf, type BackendReport } from './backend-report';

const PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

interface NodeBackendLike {
  isUsingGpuDevice?: boolean;
}

export async function activateTensorflow(): Promise<Omit<BackendReport, 'requested' | 'unavailable'>> {
  const reasons: string[] = [];
  for (const pkg of PACKAGES) {
    try {
      const specifier: string = pkg; // a variable, so bundlers leave the import to run time
      await import(/* @vite-ignore */ specifier);
    } catch (e) {
      const name = pkg.replace('@tensorflow/', '');
      reasons.push(
        isNotInstalled(e) ? `${name} is not installed` : `${name} cannot be loaded: ${reasonOf(e)}`,
      );
      continue;
    }
    try {
      await startBackend('tensorflow');
    } catch (e) {
      reasons.push(`${pkg.replace('@tensorflow/', '')} loaded but ${reasonOf(e)}`);
      continue;
    }
    const usingGpu = (tf.backend() as NodeBackendLike).isUsingGpuDevice === true;
    if (pkg === '@tensorflow/tfjs-node-gpu' && !usingGpu)
      reasons.push('tfjs-node-gpu loaded, but TensorFlow placed nothing on a GPU (CUDA/cuDNN missing?)');
    return {
      active: 'tensorflow',
      device: usingGpu ? 'GPU (libtensorflow, CUDA)' : 'CPU (libtensorflow)',
      detail: { package: pkg, isUsingGpuDevice: usingGpu, notes: reasons },
    };
  }
  throw new Error(reasons.join('; '));
}
