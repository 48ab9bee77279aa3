// What every service call gets from its host: who is acting and how to push events to the renderer.
import type { EventChannel, Events } from '../../src-preload/contract';
import type { Workspace } from '../workspace/workspace';
import type { TrainerLauncher } from './training/trainer-launcher';

/** Who is signed in, per window (Electron) or per connection (web host); starts signed out. */
export interface SessionState {
  annotator: { id: number; name: string; role: 'annotator' | 'reviewer' | 'admin' } | null;
}

export interface CallContext {
  /** The person or process acting, recorded in the audit log: the signed-in profile, else the OS user. */
  readonly actor: string;
  session: SessionState;
  emit<E extends EventChannel>(event: E, payload: Events[E]): void;
}

/** Capabilities only some hosts have (e.g. the Electron native file dialog). */
export interface HostCapabilities {
  host: 'electron' | 'web';
  pickImportPaths?: (folder: boolean) => Promise<string[]>;
  /** Starts a trainer process: Electron's utilityProcess in the desktop host; child_process.fork when absent. */
  launchTrainer?: TrainerLauncher;
}

export interface AppContext {
  workspace: Workspace;
  capabilities: HostCapabilities;
  version: string;
}
