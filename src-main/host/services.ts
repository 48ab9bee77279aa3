// Assembles the services every host shares over one open workspace: the handlers, the job registry and
// a call context factory. Hosts add only transport (IPC, WebSocket, CLI arguments).
import os from 'node:os';
import type { EventChannel, Events } from '../../src-preload/contract';
import type { AppContext, CallContext, HostCapabilities, SessionState } from '../services/context';
import { createHandlers } from '../services/handlers';
import type { Handlers } from '../services/handlers';
import { JobRegistry } from '../services/jobs';
import { forkLauncher } from '../services/training/trainer-launcher';
import { TrainingService } from '../services/training/training-service';
import type { Workspace } from '../workspace/workspace';
import { APP_VERSION } from './version';

export interface Services {
  app: AppContext;
  handlers: Handlers;
  jobs: JobRegistry;
  /** Training runs of this workspace (their trainer processes). */
  training: TrainingService;
  /** A call context for one window or connection, with its own (initially signed-out) session. */
  context(
    emit: <E extends EventChannel>(event: E, payload: Events[E]) => void,
    session?: SessionState,
  ): CallContext;
  close(): void;
}

/** The local user acting in this process (Concord has no login yet; profiles come with labelling). */
export function localActor(): string {
  try {
    return `local:${os.userInfo().username}`;
  } catch {
    return 'local';
  }
}

export function createServices(workspace: Workspace, capabilities: HostCapabilities): Services {
  const app: AppContext = { workspace, capabilities, version: APP_VERSION };
  const jobs = new JobRegistry();
  const training = new TrainingService(workspace, capabilities.launchTrainer ?? forkLauncher());
  const handlers = createHandlers(app, jobs, training);
  const actor = localActor();
  return {
    app,
    handlers,
    jobs,
    training,
    context: (emit, session = { annotator: null }) => ({
      get actor() {
        return session.annotator ? session.annotator.name : actor;
      },
      session,
      emit,
    }),
    close() {
      jobs.cancelAll();
      training.close();
      workspace.close();
    },
  };
}
