// Runs a consensus task (compare, vote, STAPLE, multi-label STAPLE) in a worker thread, off the Electron
// main loop and the web host's event loop, with progress and cancellation.
//
// Memory: the masks' buffers are transferred to the worker and back, never copied; during the call the
// caller's arrays are detached (length 0) and the result carries the same masks back in `masks`. A mask that
// is a view on part of a larger buffer is copied first (transferring would move the neighbours too).
//
// Cancel: aborting the signal sets a flag in shared memory that the core polls at every checkpoint (every
// slice or block); the call then rejects with CancelledError. A worker that does not stop within
// `terminateAfterMs` (default 2 s) is terminated.
//
// Where the worker is: the build emits out/main/consensus-worker.js (an entry of its own in
// electron.vite.config.ts); this module is bundled into out/main or out/main/chunks, so the worker is looked
// for next to it and one folder up. Running from source (vitest), there is no built worker: callers pass
// `workerFile` (the tests bundle consensus-worker.ts with esbuild) or get a clear error, never a silent
// in-thread fallback.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CancelledError, InputError, NotFoundError, UnsupportedError } from '../core/errors';
import type { FailedMessage, RunMessage, WorkerMessage } from './consensus-protocol';
import type { ConsensusResults, ConsensusTask } from './consensus-tasks';

export interface WorkerRunOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number, stage: string) => void;
  /** Path of the worker script; default: the built consensus-worker.js next to this module. */
  workerFile?: string;
  terminateAfterMs?: number;
}

export type WorkerOutcome<K extends ConsensusTask['kind']> = ConsensusResults[K] & {
  /** The input masks, back from the worker. */
  masks: Uint8Array[];
};

const WORKER_NAME = 'consensus-worker.js';

/** The built worker script, or an error saying how to get one. */
export function builtWorkerFile(): string {
  const candidates = [
    new URL(`./${WORKER_NAME}`, import.meta.url),
    new URL(`../${WORKER_NAME}`, import.meta.url),
  ];
  for (const url of candidates) {
    if (url.protocol !== 'file:') continue;
    const file = fileURLToPath(url);
    if (fs.existsSync(file)) return file;
  }
  throw new UnsupportedError(
    `the consensus worker is not built (no ${WORKER_NAME} next to ${fileURLToPath(import.meta.url)}); run npm run build`,
  );
}

function rebuild(error: FailedMessage['error']): Error {
  let e: Error;
  if (error.name === 'InputError') e = new InputError(error.file, error.reason ?? error.message);
  else if (error.name === 'CancelledError') e = new CancelledError('consensus');
  else if (error.name === 'NotFoundError') e = new NotFoundError(error.message);
  else if (error.name === 'UnsupportedError') e = new UnsupportedError(error.message);
  else {
    e = new Error(error.message);
    e.name = error.name;
  }
  if (error.stack) e.stack = error.stack;
  return e;
}

/** Masks whose buffers can be moved: whole, unshared ArrayBuffers (others are copied first). */
function transferable(masks: Uint8Array[]): { masks: Uint8Array[]; buffers: ArrayBuffer[] } {
  const seen = new Set<ArrayBufferLike>();
  const out = masks.map((m) => {
    const whole =
      m.byteOffset === 0 && m.byteLength === m.buffer.byteLength && m.buffer instanceof ArrayBuffer;
    if (!whole || seen.has(m.buffer)) return m.slice();
    seen.add(m.buffer);
    return m;
  });
  return { masks: out, buffers: out.map((m) => m.buffer as ArrayBuffer) };
}

export function runInWorker<K extends ConsensusTask['kind']>(
  task: Extract<ConsensusTask, { kind: K }>,
  opts: WorkerRunOptions = {},
): Promise<WorkerOutcome<K>> {
  if (opts.signal?.aborted) return Promise.reject(new CancelledError('consensus'));
  const file = opts.workerFile ?? builtWorkerFile();
  const worker = new Worker(file);
  const cancelFlag = new SharedArrayBuffer(4);
  const flag = new Int32Array(cancelFlag);
  const { masks, buffers } = transferable(task.masks);
  return new Promise<WorkerOutcome<K>>((resolve, reject) => {
    let settled = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      void worker.terminate();
      fn();
    };
    const onAbort = () => {
      Atomics.store(flag, 0, 1);
      killTimer = setTimeout(
        () => finish(() => reject(new CancelledError('consensus'))),
        opts.terminateAfterMs ?? 2000,
      );
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') opts.onProgress?.(m.fraction, m.stage);
      else if (m.type === 'done')
        finish(() => resolve({ ...(m.result as ConsensusResults[K]), masks: m.masks }));
      else finish(() => reject(rebuild(m.error)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) =>
      finish(() => reject(new Error(`consensus worker exited (code ${code}) before answering`))),
    );
    const message: RunMessage = { type: 'run', task: { ...task, masks } as ConsensusTask, cancelFlag };
    worker.postMessage(message, buffers);
  });
}
