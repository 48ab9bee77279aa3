// Which URLs the Electron app may load or request: its own concord-app://app origin, devtools, data: and
// blob: URLs, and (only in development) the Vite dev server. Everything else is refused. Pure, so it is
// tested without Electron.

export const APP_SCHEME = 'concord-app';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** `devServer`: the dev server's origin when running `electron-vite dev` unpackaged, else null. */
export function isAppUrl(raw: string, devServer: string | null): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol === `${APP_SCHEME}:`) return url.host === 'app';
  if (url.protocol === 'devtools:' || url.protocol === 'data:' || url.protocol === 'blob:') return true;
  if (devServer) {
    const dev = new URL(devServer);
    // Vite's dev server and its hot-reload socket.
    if ((url.protocol === 'http:' || url.protocol === 'ws:') && url.host === dev.host) return true;
  }
  return false;
}
