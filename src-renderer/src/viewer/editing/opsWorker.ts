// Web Worker entry for the heavy labelling operations (src-main/core/labelling/heavy-ops.ts): loaded by
// workerOpsRunner.ts with Vite's worker import
// (`new Worker(new URL('./opsWorker.ts', import.meta.url), { type: 'module' })`).
import { handleOpsMessage } from '@core/labelling/heavy-ops';
import type { OpsRequest, OpsWorkerState } from '@core/labelling/heavy-ops';

const state: OpsWorkerState = { voxels: null };
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<OpsRequest>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
};

scope.onmessage = (e) => {
  const answer = handleOpsMessage(state, e.data);
  if (answer) scope.postMessage(answer.response, answer.transfer);
};
