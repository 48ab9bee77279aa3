// Entry of the trainer process (built to out/main/trainer.js). Started by the host with
// child_process.fork (web host, CLI) or Electron's utilityProcess (desktop): it waits for one 'start'
// message, runs that job, answers 'done', 'cancelled' or 'error', and exits. It exits too when its host
// goes away (the IPC channel closes), so no orphan keeps computing. Its stdout/stderr are the run's log.
import { selectBackend } from '../backends/select-backend';
import { runInferJob } from './infer-job';
import { runSimpleJob } from './simple-job';
import type { FromTrainer, ToTrainer } from './protocol';
import { runTrainJob } from './train-job';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

/** Electron's utility process has process.parentPort; a forked Node child has process.send. */
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(m: FromTrainer): void {
  if (parentPort) parentPort.postMessage(m);
  else process.send?.(m);
}

function onMessage(listener: (m: ToTrainer) => void): void {
  if (parentPort) parentPort.on('message', (e) => listener(e.data as ToTrainer));
  else process.on('message', (m) => listener(m as ToTrainer));
}

/** Sends the last message, then exits once it is flushed (fork's send is asynchronous). */
function finish(m: FromTrainer, code: number): void {
  if (!parentPort && process.send) {
    process.send(m, () => process.exit(code));
    return;
  }
  send(m);
  setTimeout(() => process.exit(code), 50);
}

const controller = new AbortController();
let started = false;

onMessage((m) => {
  if (m.type === 'cancel') {
    controller.abort();
    return;
  }
  if (started) return;
  started = true;
  const job = m.job;
  const run =
    job.kind === 'train'
      ? runTrainJob(job, send, controller.signal).then((train) => ({ train }))
      : job.kind === 'infer'
        ? runInferJob(job, send, controller.signal).then((infer) => ({ infer }))
        : job.kind === 'simple'
          ? Promise.resolve().then(() => ({ simple: runSimpleJob(job, send, controller.signal) }))
          : selectBackend('auto').then((probe) => ({ probe }));
  run.then(
    (result) => finish({ type: 'done', ...result }, 0),
    (e: unknown) => {
      const err = e as Error;
      if (err?.name === 'CancelledError' || controller.signal.aborted) {
        finish({ type: 'cancelled' }, 0);
        return;
      }
      process.stderr.write(`${err?.stack ?? String(e)}\n`);
      finish({ type: 'error', error: { name: err?.name ?? 'Error', message: err?.message ?? String(e) } }, 1);
    },
  );
});

if (!parentPort) process.on('disconnect', () => process.exit(1));
