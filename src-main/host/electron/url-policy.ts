// Which URLs the Electron app may load or request, and which frames its IPC answers. Pure, so it is tested
// without Electron.
//  - Requests and navigations (isAppUrl): its own concord-app://app origin, devtools, data: and blob: URLs
//    (images and workers the app makes itself), and (only in development) the Vite dev server.
//  - IPC senders (isAppOrigin): exactly the app's origin, or the dev server's in development. A data:, blob:
//    or devtools: frame is never the app, whatever it may load.

export const APP_SCHEME = 'concord-app';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

function parse(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** scheme://host[:port] of a URL. (URL.origin is "null" for schemes Node does not know, like the app's.) */
function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/** `devServer`: the dev server's origin when running `electron-vite dev` unpackaged, else null. */
export function isAppUrl(raw: string, devServer: string | null): boolean {
  const url = parse(raw);
  if (!url) return false;
  if (url.protocol === `${APP_SCHEME}:`) return url.host === 'app';
  if (url.protocol === 'devtools:' || url.protocol === 'data:' || url.protocol === 'blob:') return true;
  if (devServer) {
    const dev = new URL(devServer);
    // Vite's dev server and its hot-reload socket.
    if ((url.protocol === 'http:' || url.protocol === 'ws:') && url.host === dev.host) return true;
  }
  return false;
}

/** Whether a frame showing `raw` is the app itself: its origin is exactly the app's (or the dev server's). */
export function isAppOrigin(raw: string, devServer: string | null): boolean {
  const url = parse(raw);
  if (!url) return false;
  const origin = originOf(url);
  if (origin === APP_ORIGIN) return true;
  return devServer !== null && origin === new URL(devServer).origin;
}
