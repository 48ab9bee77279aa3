// What every service call gets from its host: who is acting and how to push events to the renderer.
import type { EventChannel, Events } from '../../src-preload/contract';
import type { MaskCodec } from '../workers/mask-codec-pool';
import type { Workspace } from '../workspace/workspace';
import type { AuditCheck } from './workspace/audit-check';
import type { UploadGrants } from './workspace/upload-grants';
import type { BundleDownloads } from './exchange/downloads';
import type { ConsensusRunner } from './consensus/runner';
import type { TrainerLauncher } from './training/trainer-launcher';

/** Who is signed in, per window (Electron) or per connection (web host); starts signed out. */
export interface SessionState {
  annotator: { id: number; name: string; role: 'annotator' | 'reviewer' | 'admin' } | null;
}

export interface CallContext {
  /** The person or process acting, recorded in the audit log: the signed-in profile, else the OS user. */
  readonly actor: string;
  session: SessionState;
  /** Pushes an event to this window/connection only (e.g. the progress of the import it started). */
  emit<E extends EventChannel>(event: E, payload: Events[E]): void;
  /**
   * Pushes an event to every open window/connection whose signed-in profile may see it (blinding:
   * event-audience.ts decides per recipient, at the moment of sending, from the stored role and review state).
   */
  publish<E extends EventChannel>(event: E, payload: Events[E]): void;
}

/** Capabilities only some hosts have (e.g. the Electron native file dialog). */
export interface HostCapabilities {
  host: 'electron' | 'web';
  pickImportPaths?: (folder: boolean) => Promise<string[]>;
  /** Electron's folder dialog (a new folder may be made in it): the folder an export writes into, or null
   *  when closed. Asked by main itself, so the renderer never names a path to write to. */
  pickOutputFolder?: (title: string) => Promise<string | null>;
  /** Starts a trainer process: Electron's utilityProcess in the desktop host; child_process.fork when absent. */
  launchTrainer?: TrainerLauncher;
}

export interface AppContext {
  workspace: Workspace;
  /** Mask encoding/decoding for saves: worker threads in the app hosts; this thread when absent. */
  maskCodec?: MaskCodec;
  capabilities: HostCapabilities;
  version: string;
  /** Runs metrics and merges (default: a worker thread per task, from the built consensus-worker.js). */
  consensusRunner?: ConsensusRunner;
  /** Granted browser uploads for import (the web host's PUTs land only in these). */
  uploads: UploadGrants;
  /** The audit trail check, first run when the services open the workspace (workspace/audit-check.ts). */
  auditCheck: AuditCheck;
  /** Bundles exported for the app to download, served once by the host. */
  downloads: BundleDownloads;
}
