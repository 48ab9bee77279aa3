// How a host starts a trainer process, behind one small interface: `forkLauncher` (child_process.fork:
// the web host and the CLI) here, and the Electron desktop host's utilityProcess launcher in
// host/electron/trainer-launcher.ts. Both give a TrainerProcess; nothing else in the services knows which.
//
// Where the trainer is: the build emits out/main/trainer.js (an entry of electron.vite.config.ts); this
// module is bundled into out/main or out/main/chunks, so it is looked for next to it and one folder up.
// Running from source (vitest), tests bundle trainer-main.ts with esbuild and name it in
// CONCORD_TRAINER_FILE; otherwise the error says to build.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UnsupportedError } from '../../core/errors';
import type { FromTrainer, ToTrainer } from '../../training/process/protocol';

export interface TrainerProcess {
  readonly pid: number | undefined;
  send(m: ToTrainer): void;
  onMessage(listener: (m: FromTrainer) => void): void;
  /** stdout and stderr of the process, as text. */
  onOutput(listener: (text: string) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** SIGKILL (the trainer holds no state that needs a clean stop). */
  kill(): void;
}

export type TrainerLauncher = () => TrainerProcess;

const ENTRY = 'trainer.js';

export function trainerEntry(): string {
  const env = process.env['CONCORD_TRAINER_FILE'];
  if (env && fs.existsSync(env)) return env;
  for (const rel of [`./${ENTRY}`, `../${ENTRY}`]) {
    const url = new URL(rel, import.meta.url);
    if (url.protocol !== 'file:') continue;
    const file = fileURLToPath(url);
    if (fs.existsSync(file)) return file;
  }
  throw new UnsupportedError(
    `the trainer is not built (no ${ENTRY} next to ${fileURLToPath(import.meta.url)}); run npm run build`,
  );
}

export function forkLauncher(entry?: string): TrainerLauncher {
  return () => {
    const child = fork(entry ?? trainerEntry(), [], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    return {
      get pid() {
        return child.pid;
      },
      send: (m) => {
        if (child.connected) child.send(m);
      },
      onMessage: (l) => child.on('message', (m) => l(m as FromTrainer)),
      onOutput: (l) => {
        child.stdout?.setEncoding('utf8').on('data', l);
        child.stderr?.setEncoding('utf8').on('data', l);
      },
      onExit: (l) => child.on('exit', l),
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  };
}
