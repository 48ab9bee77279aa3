// Web Worker entry for the heavy labelling operations (heavyOps.ts): loaded by opsRunner.ts with Vite's
// worker import (`new Worker(new URL('./opsWorker.ts', import.meta.url), { type: 'module' })`).
import { handleOpsMessage } from './heavyOps';
import type { OpsRequest, OpsWorkerState } from './heavyOps';

const state: OpsWorkerState = { voxels: null };
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<OpsRequest>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
};

scope.onmessage = (e) => {
  const answer = handleOpsMessage(state, e.data);
  if (answer) scope.postMessage(answer.response, answer.transfer);
};
