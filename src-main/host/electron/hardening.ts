// Window and session hardening (DESIGN.md §7): no navigation away from the app, no new windows, no
// webviews, no permissions, and every network request that is not the app's own is refused — Concord
// never talks to the network, and neither may anything it loads.
import { app, session } from 'electron';
import type { WebContents, WebFrameMain } from 'electron';
import { APP_ORIGIN, APP_SCHEME } from './app-protocol';

/** The dev server origin when running `electron-vite dev`, else null. */
export function devServerOrigin(): string | null {
  const url = process.env['ELECTRON_RENDERER_URL'];
  return url && !app.isPackaged ? new URL(url).origin : null;
}

export function isAppUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol === `${APP_SCHEME}:`) return url.origin === APP_ORIGIN || url.host === 'app';
  if (url.protocol === 'devtools:' || url.protocol === 'data:' || url.protocol === 'blob:') return true;
  const dev = devServerOrigin();
  if (dev) {
    const devUrl = new URL(dev);
    // Vite's dev server and its hot-reload socket.
    if ((url.protocol === 'http:' || url.protocol === 'ws:') && url.host === devUrl.host) return true;
  }
  return false;
}

/** IPC is answered only for frames showing the app itself. */
export function isTrustedSender(frame: WebFrameMain | null): boolean {
  return frame !== null && isAppUrl(frame.url);
}

export function hardenSession(): void {
  const s = session.defaultSession;
  s.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAppUrl(details.url);
    if (!allowed) console.error(`[concord] refused a network request to ${details.url}`);
    callback({ cancel: !allowed });
  });
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
}

export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== contents.getURL()) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
