// Where consensus computations run. The app runs them in a worker thread (workers/consensus-client.ts), off
// the Electron main loop and the web host's event loop; the CLI runs them in its own process (it has no UI
// to keep responsive), through the same dispatcher, so the numbers are the same either way.
import { CancelledError } from '../../core/errors';
import { runInWorker, type WorkerOutcome } from '../../workers/consensus-client';
import { runConsensusTask, type ConsensusTask } from '../../workers/consensus-tasks';

export interface RunOptions {
  signal?: AbortSignal;
  /** Fraction 0..1 and a short stage name. */
  onProgress?: (fraction: number, stage: string) => void;
}

export type ConsensusRunner = <K extends ConsensusTask['kind']>(
  task: Extract<ConsensusTask, { kind: K }>,
  opts?: RunOptions,
) => Promise<WorkerOutcome<K>>;

/** Runs each task in a new worker thread; `workerFile` default: the built consensus-worker.js. */
export function workerRunner(workerFile?: string): ConsensusRunner {
  return (task, opts = {}) => runInWorker(task, { ...opts, workerFile });
}

/** Runs the task in this thread (CLI, tests): progress is reported, a signal aborted before it starts cancels. */
export const inProcessRunner: ConsensusRunner = <K extends ConsensusTask['kind']>(
  task: Extract<ConsensusTask, { kind: K }>,
  opts: RunOptions = {},
): Promise<WorkerOutcome<K>> => {
  try {
    if (opts.signal?.aborted) throw new CancelledError('consensus');
    const result = runConsensusTask(task, {
      onProgress: opts.onProgress,
      isCancelled: () => opts.signal?.aborted === true,
    });
    return Promise.resolve({ ...result, masks: task.masks } as WorkerOutcome<K>);
  } catch (e) {
    return Promise.reject(e as Error);
  }
};
