// Assembles the services every host shares over one open workspace: the handlers, the job registry and
// a call context factory. Hosts add only transport (IPC, WebSocket, CLI arguments).
import os from 'node:os';
import type { EventChannel, Events } from '../../src-preload/contract';
import type { AppContext, CallContext, HostCapabilities, SessionState } from './context';
import { createHandlers } from './handlers';
import type { Handlers } from './handlers';
import type { ConsensusRunner } from './consensus/runner';
import { JobRegistry } from './jobs';
import { UploadGrants } from './workspace/upload-grants';
import { AuditCheck } from './workspace/audit-check';
import { BundleDownloads } from './exchange/downloads';
import { mayReceive } from './identity/event-audience';
import type { MaskCodec } from '../workers/mask-codec-pool';
import { forkLauncher } from './training/trainer-launcher';
import { TrainingService } from './training/training-service';
import type { Workspace } from '../workspace/workspace';
import { APP_VERSION } from './app-version';

export interface Services {
  app: AppContext;
  handlers: Handlers;
  jobs: JobRegistry;
  /** Training runs of this workspace (their trainer processes). */
  training: TrainingService;
  /**
   * A call context for one window or connection, with its own (initially signed-out) session. `send`
   * delivers an event to that window only; the context stays registered for published events
   * (CallContext.publish) until `release(ctx)`, when its window or connection closes.
   */
  context(
    send: <E extends EventChannel>(event: E, payload: Events[E]) => void,
    session?: SessionState,
  ): CallContext;
  /** Forgets a window's context: it receives no more published events. */
  release(ctx: CallContext): void;
  close(): void;
}

/** The operating-system user acting in this process: the actor recorded for what a signed-out window or the
 *  CLI does (a signed-in window acts as its profile, CallContext.actor). */
export function localActor(): string {
  try {
    return `local:${os.userInfo().username}`;
  } catch {
    return 'local';
  }
}

export function createServices(
  workspace: Workspace,
  capabilities: HostCapabilities,
  options: {
    consensusRunner?: ConsensusRunner;
    /** The app hosts pass a worker pool (workers/mask-codec-pool.ts); tests and the CLI encode in-thread. */
    maskCodec?: MaskCodec;
  } = {},
): Services {
  const app: AppContext = {
    workspace,
    capabilities,
    version: APP_VERSION,
    consensusRunner: options.consensusRunner,
    maskCodec: options.maskCodec,
    uploads: new UploadGrants(),
    auditCheck: new AuditCheck(workspace.db),
    downloads: new BundleDownloads(workspace.tmpDir),
  };
  // The check when a workspace opens; its verdict is what the Activity panel shows first. A failure to run
  // it (the workspace closed meanwhile) is nobody's business but the next check's.
  app.auditCheck.run().catch(() => undefined);
  const jobs = new JobRegistry();
  const training = new TrainingService(
    workspace,
    capabilities.launchTrainer ?? forkLauncher(),
    options.maskCodec,
  );
  const handlers = createHandlers(app, jobs, training);
  const actor = localActor();
  // Every open window/connection, with its own delivery function, for published events.
  const open = new Map<CallContext, <E extends EventChannel>(event: E, payload: Events[E]) => void>();
  const publish = <E extends EventChannel>(event: E, payload: Events[E]): void => {
    for (const [ctx, send] of open) {
      if (mayReceive(workspace.db, ctx.session, event, payload)) send(event, payload);
    }
  };
  return {
    app,
    handlers,
    jobs,
    training,
    context: (send, session = { annotator: null }) => {
      const ctx: CallContext = {
        get actor() {
          return session.annotator ? session.annotator.name : actor;
        },
        session,
        emit: send,
        publish,
      };
      open.set(ctx, send);
      return ctx;
    },
    release(ctx) {
      open.delete(ctx);
    },
    close() {
      open.clear();
      jobs.cancelAll();
      training.close();
      void options.maskCodec?.close?.();
      workspace.close();
    },
  };
}
