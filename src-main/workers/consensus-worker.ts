// Worker-thread entry for metrics and merges (built to out/main/consensus-worker.js, see
// electron.vite.config.ts). Runs one task from its owner, posts progress at most every 50 ms, polls the
// shared cancel flag at every checkpoint of the core, and answers once.
import { parentPort } from 'node:worker_threads';
import { InputError } from '../core/errors';
import type { FailedMessage, RunMessage, WorkerMessage } from './consensus-protocol';
import { resultBuffers, runConsensusTask } from './consensus-tasks';

const PROGRESS_INTERVAL_MS = 50;

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

function describe(e: unknown): FailedMessage['error'] {
  const err = e instanceof Error ? e : new Error(String(e));
  return {
    name: err.name,
    message: err.message,
    file: e instanceof InputError ? e.file : undefined,
    reason: e instanceof InputError ? e.reason : undefined,
    stack: err.stack,
  };
}

parentPort?.once('message', (message: RunMessage) => {
  const flag = new Int32Array(message.cancelFlag);
  let lastPost = 0;
  let lastStage = '';
  try {
    const result = runConsensusTask(message.task, {
      isCancelled: () => Atomics.load(flag, 0) !== 0,
      onProgress: (fraction, stage) => {
        const now = performance.now();
        if (stage === lastStage && now - lastPost < PROGRESS_INTERVAL_MS && fraction < 1) return;
        lastPost = now;
        lastStage = stage;
        post({ type: 'progress', fraction, stage });
      },
    });
    const masks = message.task.masks;
    const back = masks.map((m) => m.buffer as ArrayBuffer).filter((b) => b instanceof ArrayBuffer);
    post({ type: 'done', result, masks }, [...new Set([...resultBuffers(result), ...back])]);
  } catch (e) {
    post({ type: 'failed', error: describe(e) });
  }
});
