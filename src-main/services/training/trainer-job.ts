// Runs one job in a trainer process and says how it ended: 'done' (with its result), 'cancelled',
// 'error' (the trainer caught an error and said so) or 'crashed' (it exited or was killed without a final
// message). Everything the process prints and logs is appended to `logFile` and kept as a tail in memory.
import fs from 'node:fs';
import type { FromTrainer, TrainerJob } from '../../training/process/protocol';
import type { TrainerLauncher, TrainerProcess } from './trainer-launcher';

export type JobEnd =
  | { kind: 'done'; message: Extract<FromTrainer, { type: 'done' }> }
  | { kind: 'cancelled' }
  | { kind: 'error'; message: string }
  | { kind: 'crashed'; message: string };

export interface RunningJob {
  readonly pid: number | undefined;
  /** Asks the trainer to stop after its current batch or slice; kills it after `graceMs`. */
  cancel(graceMs?: number): void;
  kill(): void;
  readonly done: Promise<JobEnd>;
  log(): string;
}

const LOG_TAIL = 64 * 1024;

export function startTrainerJob(
  launch: TrainerLauncher,
  job: TrainerJob,
  o: { logFile?: string; cancelFile?: string; onMessage?: (m: FromTrainer) => void },
): RunningJob {
  let tail = '';
  const append = (text: string): void => {
    tail = (tail + text).slice(-LOG_TAIL);
    if (o.logFile) {
      try {
        fs.appendFileSync(o.logFile, text);
      } catch {
        // the tail is still kept and recorded with the run
      }
    }
  };
  append(`[${new Date().toISOString()}] trainer started (${job.kind})\n`);
  const child: TrainerProcess = launch();
  let final: FromTrainer | null = null;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  let cancelRequested = false;
  child.onOutput(append);
  child.onMessage((m) => {
    if (m.type === 'log') append(`${m.line}\n`);
    if (m.type === 'done' || m.type === 'cancelled' || m.type === 'error') final = m;
    if (m.type === 'error') append(`error: ${m.error.message}\n`);
    o.onMessage?.(m);
  });
  const done = new Promise<JobEnd>((resolve) => {
    child.onExit((code, signal) => {
      if (killTimer) clearTimeout(killTimer);
      const m = final as FromTrainer | null;
      append(
        `[${new Date().toISOString()}] trainer exited (${signal ? `signal ${signal}` : `code ${code}`})\n`,
      );
      if (m?.type === 'done') resolve({ kind: 'done', message: m });
      else if (m?.type === 'cancelled') resolve({ kind: 'cancelled' });
      else if (m?.type === 'error') resolve({ kind: 'error', message: m.error.message });
      else if (cancelRequested) resolve({ kind: 'cancelled' });
      else
        resolve({
          kind: 'crashed',
          message: `the trainer process ${signal ? `was killed (${signal})` : `exited with code ${code}`} before finishing`,
        });
    });
  });
  child.send({ type: 'start', job });
  return {
    get pid() {
      return child.pid;
    },
    cancel(graceMs = 60_000) {
      cancelRequested = true;
      if (o.cancelFile) {
        try {
          fs.writeFileSync(o.cancelFile, new Date().toISOString());
        } catch {
          // the message below still asks it to stop (at the epoch's end at the latest)
        }
      }
      child.send({ type: 'cancel' });
      killTimer ??= setTimeout(() => child.kill(), graceMs);
    },
    kill: () => child.kill(),
    done,
    log: () => tail,
  };
}
