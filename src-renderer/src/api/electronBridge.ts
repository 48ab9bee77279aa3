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
    pathForFile: (file) => api.pathForFile(file),
  };
}
