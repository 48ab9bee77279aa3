// The `tensorflow` backend: libtensorflow through @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node
// (CPU). Both download libtensorflow when installed, which fails offline, so neither is a dependency:
// they are imported at run time if present (`npm run gpu:install` installs one from a local libtensorflow
// archive, scripts/gpu-install.mjs). For the GPU package, TensorFlow's own report of whether it placed work
// on a GPU is checked, since the package loads (and silently runs on the CPU) without CUDA.
import { startBackend, tf } from './tfjs';
import { isPackageMissing, plainReasonOf, type BackendReport } from './backend-report';

const PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** The reason shown when neither package is installed (the usual case: they need libtensorflow). */
export const TENSORFLOW_NOT_INSTALLED =
  'tfjs-node-gpu is not installed, nor tfjs-node (they need libtensorflow; npm run gpu:install installs one from a local libtensorflow archive)';

interface NodeBackendLike {
  isUsingGpuDevice?: boolean;
}

/** Why an installed package does not load, in words: the usual cause is a shared library the dynamic
 *  loader cannot find (libtensorflow itself, or CUDA's and cuDNN's for the GPU build). */
function loadFailure(pkg: string, e: unknown): string {
  const why = plainReasonOf(e);
  const cuda = /lib(cudart|cublas|cublasLt|cufft|curand|cusolver|cusparse|cudnn)\b/.test(why)
    ? ' (tfjs-node-gpu 4.22 needs CUDA 11.2 and cuDNN 8.1 on the library path)'
    : '';
  return `${pkg.replace('@tensorflow/', '')} is installed but does not load: ${why}${cuda}`;
}

export async function activateTensorflow(): Promise<Omit<BackendReport, 'requested' | 'unavailable'>> {
  const reasons: string[] = [];
  let missing = 0;
  for (const pkg of PACKAGES) {
    try {
      const specifier: string = pkg; // a variable, so bundlers leave the import to run time
      await import(/* @vite-ignore */ specifier);
    } catch (e) {
      if (isPackageMissing(e, pkg)) {
        missing++;
        reasons.push(`${pkg.replace('@tensorflow/', '')} is not installed`);
      } else reasons.push(loadFailure(pkg, e));
      continue;
    }
    try {
      await startBackend('tensorflow');
    } catch (e) {
      reasons.push(
        `${pkg.replace('@tensorflow/', '')} loaded, but its backend does not start: ${plainReasonOf(e)}`,
      );
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
  throw new Error(missing === PACKAGES.length ? TENSORFLOW_NOT_INSTALLED : reasons.join('; '));
}
