// The desktop host's trainer launcher: Electron's utilityProcess (a Node child that Electron owns and
// ends with the app), behind services/training/trainer-launcher.ts's TrainerProcess. The trainer entry
// speaks to it through process.parentPort (see training/process/trainer-main.ts).
import { utilityProcess } from 'electron';
import { trainerEntry, type TrainerLauncher } from '../../services/training/trainer-launcher';
import type { FromTrainer } from '../../training/process/protocol';

export function utilityProcessLauncher(): TrainerLauncher {
  return () => {
    const child = utilityProcess.fork(trainerEntry(), [], { stdio: 'pipe', serviceName: 'Concord trainer' });
    return {
      get pid() {
        return child.pid;
      },
      send: (m) => child.postMessage(m),
      onMessage: (l) => child.on('message', (m: unknown) => l(m as FromTrainer)),
      onOutput: (l) => {
        child.stdout?.setEncoding('utf8').on('data', l);
        child.stderr?.setEncoding('utf8').on('data', l);
      },
      // A utility process reports only its exit code; a kill shows as a non-zero code.
      onExit: (l) => child.on('exit', (code: number) => l(code, null)),
      kill: () => {
        child.kill();
      },
    };
  };
}
