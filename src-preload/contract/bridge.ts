// What the renderer is given to reach main: the Electron preload's window.concord and the host-neutral
// bridge the renderer codes against (the preload or the web client).
import type { Result } from '../../src-main/core/model';
import type { EventChannel, Events, Req, RequestChannel, Res } from './channels';

/** What the Electron preload exposes as window.concord (the only bridge into the sandboxed renderer). */
export interface PreloadApi {
  invoke<C extends RequestChannel>(channel: C, req: Req<C>): Promise<Result<Res<C>>>;
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** Origin that serves the app and /api/volumes/<id>/voxels (concord-app://app). */
  appOrigin: string;
  /** Local path of a File the user dropped or picked. */
  pathForFile(file: File): string;
}

/**
 * What the renderer is given by its host (the Electron preload as window.concord, or the web client).
 * The renderer never knows which host it has.
 */
export interface HostBridge {
  readonly host: 'electron' | 'web';
  invoke<C extends RequestChannel>(channel: C, req: Req<C>): Promise<Result<Res<C>>>;
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** Streams a volume's voxel blob by id, reporting bytes received. */
  fetchVoxels(volumeId: number, onProgress?: (received: number, total: number) => void): Promise<ArrayBuffer>;
  /** The bundle an export wrote (bundle:export's downloadId), once; the host then removes its file. */
  fetchBundle(downloadId: string): Promise<Blob>;
  /** Web host only: sends files chosen in the browser; resolves to an upload id for ImportSource. */
  uploadFiles?(
    files: { path: string; file: Blob }[],
    onProgress?: (sent: number, total: number) => void,
  ): Promise<string>;
  /** Electron only: the local path of a dropped File. */
  pathForFile?(file: File): string;
  /** Web host only: told false when the host went away (the bridge then reconnects by itself, requests
   *  wait), true when it is back. */
  onConnection?(listener: (up: boolean) => void): () => void;
}
