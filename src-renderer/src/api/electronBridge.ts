// HostBridge over the Electron preload's window.concord.
import type { HostBridge, PreloadApi } from '@contract';
import { readBody } from './readBody';

export function createElectronBridge(api: PreloadApi): HostBridge {
  return {
    host: 'electron',
    invoke: (channel, req) => api.invoke(channel, req),
    on: (event, listener) => api.on(event, listener),
    async fetchVoxels(volumeId, onProgress) {
      return readBody(await fetch(`${api.appOrigin}/api/volumes/${volumeId}/voxels`), onProgress);
    },
    async fetchBundle(downloadId) {
      const res = await fetch(`${api.appOrigin}/api/bundles/${encodeURIComponent(downloadId)}`);
      if (!res.ok) throw new Error(`the bundle could not be fetched (${res.status})`);
      return res.blob();
    },
    pathForFile: (file) => api.pathForFile(file),
  };
}
