// The `wasm` backend: tfjs's WebAssembly kernels (XNNPACK, SIMD, one thread in Node) plus Concord's
// multi-threaded SIMD convolutions, which also supply the Conv2DBackpropFilter tfjs's wasm backend lacks
// (without it a convolution cannot be trained there at all). The backend starts on a shared heap
// (wasm-shared-heap.ts), so those convolutions work on its tensors in place.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { startBackend, tf } from './tfjs';
import { hostHeap, withSharedHeap } from './wasm-shared-heap';
import { installFastKernels, uninstallFastKernels } from '../kernels/register-kernels';
import type { BackendReport } from './backend-report';

export interface WasmOptions {
  threads?: number;
  /** false: tfjs's own wasm kernels only (then convolutions cannot be trained: no filter gradient). */
  fastKernels?: boolean;
}

const WASM_FILE = 'tfjs-backend-wasm-simd.wasm';

/** Where tfjs-backend-wasm's .wasm binaries are: $CONCORD_TFJS_WASM_DIR, the installed package, or
 *  beside the running script (a self-contained bundle copies them there). Bundling moves the backend's
 *  JavaScript away from its binaries, so the path is always set explicitly. */
export function tfjsWasmDir(): string | null {
  const candidates: string[] = [];
  const env = process.env['CONCORD_TFJS_WASM_DIR'];
  if (env) candidates.push(env);
  try {
    const req = createRequire(import.meta.url);
    candidates.push(
      path.join(path.dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'),
    );
  } catch {
    // not installed as a package: a bundle
  }
  if (process.argv[1]) candidates.push(path.dirname(path.resolve(process.argv[1])));
  return candidates.find((d) => fs.existsSync(path.join(d, WASM_FILE))) ?? null;
}

let loaded = false;
/** The backend's heap when it was made shared at start-up (null: as shipped). */
let sharedMemory: WebAssembly.Memory | null = null;

export async function activateWasm(
  o: WasmOptions = {},
): Promise<Omit<BackendReport, 'requested' | 'unavailable'>> {
  if (!loaded) {
    const dir = tfjsWasmDir();
    if (!dir) throw new Error(`${WASM_FILE} not found (set CONCORD_TFJS_WASM_DIR)`);
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(dir.endsWith(path.sep) ? dir : dir + path.sep);
    loaded = true;
    sharedMemory = await withSharedHeap(() => startBackend('wasm'));
  }
  await startBackend('wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  if (o.fastKernels === false) {
    await uninstallFastKernels('wasm');
    return {
      active: 'wasm',
      device: 'WebAssembly (tfjs kernels only: no convolution filter gradient)',
      detail: { simd, fastKernels: null },
    };
  }
  const k = await installFastKernels('wasm', o.threads, hostHeap(tf.findBackend('wasm'), sharedMemory));
  return {
    active: 'wasm',
    device: `WebAssembly SIMD, ${k.threads} thread${k.threads > 1 ? 's' : ''} for convolutions (Concord kernels)`,
    detail: { simd, threads: k.threads, fastKernels: k, sharedHeap: k.sharedHeap },
  };
}
