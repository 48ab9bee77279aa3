// Chooses and starts the tfjs backend a training run uses, and reports why the others are not used.
// `auto` takes the best that starts, in DESIGN.md's order: tensorflow (libtensorflow, CUDA when
// tfjs-node-gpu finds a GPU), webgpu (a real GPU through Dawn; a CPU-emulated adapter is refused), wasm
// (Concord's multi-threaded SIMD convolutions), cpu.
import fs from 'node:fs';
import path from 'node:path';
import { UnsupportedError } from '../../core/errors';
import { activateCpu } from './cpu-backend';
import { activateTensorflow, TENSORFLOW_NOT_INSTALLED } from './tensorflow-backend';
import { activateWasm, tfjsWasmDir } from './wasm-backend';
import { activateWebgpu, probeWebgpu } from './webgpu-backend';
import {
  BACKEND_NAMES,
  plainReasonOf,
  type BackendName,
  type BackendReport,
  type BackendRequest,
  type BackendUnavailable,
} from './backend-report';

export interface BackendOptions {
  /** Threads for Concord's CPU kernels (default: one per CPU). */
  threads?: number;
  /** false: the backend's own tfjs kernels only (baselines). */
  fastKernels?: boolean;
  /** Accept a CPU-emulated WebGPU adapter when webgpu is asked for by name (tests). */
  allowSoftwareGpu?: boolean;
}

/** A backend asked for by name cannot start here (the CLI exits 2 with the reason). */
export class BackendUnavailableError extends UnsupportedError {
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
  ) {
    super(`backend ${backend} is not available: ${reason}`);
  }
}

type Activation = Omit<BackendReport, 'requested' | 'unavailable'>;

function activate(name: BackendName, o: BackendOptions, byName: boolean): Promise<Activation> {
  switch (name) {
    case 'tensorflow':
      return activateTensorflow();
    case 'webgpu':
      return activateWebgpu({ allowSoftware: byName && o.allowSoftwareGpu, fastKernels: o.fastKernels });
    case 'wasm':
      return activateWasm({ threads: o.threads, fastKernels: o.fastKernels });
    case 'cpu':
      return activateCpu({ threads: o.threads, fastKernels: o.fastKernels });
  }
}

function packageInstalled(pkg: string): boolean {
  // Looks for the package folder up the tree without loading it (loading libtensorflow only to say it is
  // there would cost seconds and memory).
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules', pkg, 'package.json'))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

/** Why a backend that is not active could not be, or that it could but was not chosen. */
async function whyNot(name: BackendName, active: BackendName, request: BackendRequest): Promise<string> {
  const notChosen =
    request === 'auto'
      ? `available, but ${active} ranks higher`
      : `available, not requested (--backend ${request})`;
  try {
    switch (name) {
      case 'tensorflow': {
        const pkgs = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].filter(packageInstalled);
        return pkgs.length ? `${pkgs.join(' and ')} installed; ${notChosen}` : TENSORFLOW_NOT_INSTALLED;
      }
      case 'webgpu': {
        const a = await probeWebgpu();
        const desc = [a.vendor, a.device || a.description].filter(Boolean).join(' ') || 'unnamed adapter';
        return a.software
          ? `only a CPU-emulated adapter (${desc}), slower than wasm`
          : `GPU ${desc}: ${notChosen}`;
      }
      case 'wasm':
        return tfjsWasmDir() ? notChosen : 'tfjs-backend-wasm binaries not found';
      case 'cpu':
        return notChosen;
    }
  } catch (e) {
    return plainReasonOf(e);
  }
}

/** Starts the requested backend (or the best one for `auto`) and reports what runs and why the others
 *  do not. Throws BackendUnavailableError when a named backend cannot start. */
export async function selectBackend(request: BackendRequest, o: BackendOptions = {}): Promise<BackendReport> {
  const order: BackendName[] = request === 'auto' ? [...BACKEND_NAMES] : [request];
  const failed = new Map<BackendName, string>();
  for (const name of order) {
    let a: Activation;
    try {
      a = await activate(name, o, request !== 'auto');
    } catch (e) {
      failed.set(name, plainReasonOf(e));
      continue;
    }
    const unavailable: BackendUnavailable[] = [];
    for (const other of BACKEND_NAMES) {
      if (other === name) continue;
      unavailable.push({ backend: other, reason: failed.get(other) ?? (await whyNot(other, name, request)) });
    }
    return { requested: request, ...a, unavailable };
  }
  const [name, reason] = [...failed][0]!;
  throw new BackendUnavailableError(name, reason);
}
