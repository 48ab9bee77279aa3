// Messages between the consensus worker (consensus-worker.ts) and its owner (consensus-client.ts).
//
// Owner -> worker: one `run` message per worker: the task (masks' buffers transferred, not copied) and a
// SharedArrayBuffer holding one Int32 cancel flag the owner sets and the worker polls between chunks.
// Worker -> owner: any number of `progress` messages, then exactly one `done` (result, with its arrays and
// the input masks transferred back) or `failed` (a plain error description, rebuilt as the same class).
import type { ConsensusResult, ConsensusTask } from './consensus-tasks';

export interface RunMessage {
  type: 'run';
  task: ConsensusTask;
  cancelFlag: SharedArrayBuffer;
}

export interface ProgressMessage {
  type: 'progress';
  fraction: number;
  stage: string;
}

export interface DoneMessage {
  type: 'done';
  result: ConsensusResult;
  /** The input masks, returned to the owner (their buffers travel back, transferred). */
  masks: Uint8Array[];
}

export interface FailedMessage {
  type: 'failed';
  error: { name: string; message: string; file?: string; reason?: string; stack?: string };
}

export type WorkerMessage = ProgressMessage | DoneMessage | FailedMessage;
