// The `webgpu` backend: tfjs's WebGPU kernels on Dawn, the WebGPU implementation of Chromium, loaded in
// Node from the optional `webgpu` npm package (dawn.node; Vulkan on Linux). Dawn, the GPU driver and
// the Vulkan loader (libvulkan1) must all be present, so this backend is probed, never assumed.
//
// Trap: @tensorflow/tfjs-backend-webgpu registers itself only if navigator.gpu exists when the module is
// first evaluated, so navigator.gpu is set before the module is imported (dynamically, here).
import { createRequire } from 'node:module';
import { startBackend } from './tfjs';
import { isPackageMissing, plainReasonOf, type BackendReport } from './backend-report';

export interface WebgpuOptions {
  /** Accept a CPU-emulated adapter (SwiftShader, llvmpipe): for tests only, it is slower than wasm. */
  allowSoftware?: boolean;
  /** false: tfjs's own webgpu kernels only (for comparison). */
  fastKernels?: boolean;
}

interface Dawn {
  create(options: string[]): GpuLike;
  globals: Record<string, unknown>;
}
interface AdapterLike {
  info?: Record<string, unknown>;
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(o?: { powerPreference?: string }): Promise<AdapterLike | null>;
}

export interface AdapterFacts {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  software: boolean;
}

let dawnGpu: GpuLike | null = null;

/** Dawn's options: $CONCORD_DAWN_OPTIONS, space-separated (e.g. "backend=vulkan adapter=NVIDIA"). */
function dawnOptions(): string[] {
  return (process.env['CONCORD_DAWN_OPTIONS'] ?? '').split(/\s+/).filter(Boolean);
}

/** Loads dawn.node: $CONCORD_DAWN_NODE (a path to dawn.node, for a self-contained bundle) or the
 *  `webgpu` package. The specifier is a variable so that bundlers leave it to run time. */
async function loadDawn(): Promise<Dawn> {
  const direct = process.env['CONCORD_DAWN_NODE'];
  if (direct) return createRequire(import.meta.url)(direct) as Dawn;
  const specifier = 'webgpu';
  try {
    return (await import(/* @vite-ignore */ specifier)) as Dawn;
  } catch (e) {
    if (isPackageMissing(e, specifier))
      throw new Error('the optional webgpu package (Dawn) is not installed');
    throw new Error(`the optional webgpu package (Dawn) is installed but does not load: ${plainReasonOf(e)}`);
  }
}

/** Sets globalThis.navigator.gpu (and WebGPU's global constants) from Dawn, once. */
export async function dawnNavigatorGpu(): Promise<GpuLike> {
  if (dawnGpu) return dawnGpu;
  const dawn = await loadDawn();
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create(dawnOptions());
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', {
    value: { ...nav, gpu },
    configurable: true,
    writable: true,
  });
  dawnGpu = gpu;
  return gpu;
}

function describeAdapter(a: AdapterLike): AdapterFacts {
  const info = a.info ?? {};
  const str = (k: string): string => (typeof info[k] === 'string' ? (info[k] as string) : '');
  const facts = {
    vendor: str('vendor'),
    architecture: str('architecture'),
    device: str('device'),
    description: str('description'),
  };
  const text = Object.values(facts).join(' ');
  const software =
    a.isFallbackAdapter === true ||
    info['isFallbackAdapter'] === true ||
    /swiftshader|llvmpipe|lavapipe/i.test(text);
  return { ...facts, software };
}

/** The adapter Dawn would give tfjs (high-performance), or why there is none. */
export async function probeWebgpu(): Promise<AdapterFacts> {
  const gpu = await dawnNavigatorGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter)
    throw new Error(
      'Dawn found no usable GPU adapter (it needs a Vulkan driver and libvulkan1; see its warnings on stderr)',
    );
  return describeAdapter(adapter);
}

export async function activateWebgpu(
  o: WebgpuOptions = {},
): Promise<Omit<BackendReport, 'requested' | 'unavailable'>> {
  const adapter = await probeWebgpu();
  const name = [adapter.vendor, adapter.device || adapter.description, adapter.architecture]
    .filter(Boolean)
    .join(' ');
  if (adapter.software && !o.allowSoftware)
    throw new Error(`only a CPU-emulated adapter (${name}), slower than the wasm backend`);
  await import('@tensorflow/tfjs-backend-webgpu');
  await startBackend('webgpu');
  // Imported only now: it imports tfjs-backend-webgpu, which must not load before navigator.gpu is set.
  const { installWebgpuKernels, uninstallWebgpuKernels } =
    await import('../kernels/webgpu/register-webgpu-kernels');
  if (o.fastKernels === false) uninstallWebgpuKernels();
  const kernels = o.fastKernels === false ? null : installWebgpuKernels();
  return {
    active: 'webgpu',
    device: `${adapter.software ? 'CPU-emulated GPU' : 'GPU'}: ${name || 'unnamed adapter'} (WebGPU, Dawn)`,
    detail: { adapter, dawnOptions: dawnOptions(), fastKernels: kernels },
  };
}
