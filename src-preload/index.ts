// The sandboxed preload: exposes exactly the contract (allow-listed channels) as window.concord, and
// nothing of Node or Electron itself. Runs as CommonJS (sandboxed preloads cannot be ES modules).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { EVENT_CHANNELS, REQUEST_CHANNELS } from './contract';
import type { EventChannel, Events, PreloadApi, RequestChannel } from './contract';

const requests = new Set<string>(REQUEST_CHANNELS);
const events = new Set<string>(EVENT_CHANNELS);

const api: PreloadApi = {
  invoke(channel: RequestChannel, req: unknown) {
    if (!requests.has(channel)) return Promise.reject(new Error(`unknown channel ${String(channel)}`));
    return ipcRenderer.invoke(channel, req);
  },
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void) {
    if (!events.has(event)) throw new Error(`unknown event ${String(event)}`);
    const wrapped = (_e: IpcRendererEvent, payload: Events[E]) => listener(payload);
    ipcRenderer.on(event, wrapped);
    return () => {
      ipcRenderer.removeListener(event, wrapped);
    };
  },
  appOrigin: 'concord-app://app',
  pathForFile: (file: File) => webUtils.getPathForFile(file),
} as PreloadApi;

contextBridge.exposeInMainWorld('concord', api);
