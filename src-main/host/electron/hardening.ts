// Window and session hardening (DESIGN.md §7): no navigation away from the app, no new windows, no
// webviews, no permissions, and every network request that is not the app's own is refused — Concord
// never talks to the network, and neither may anything it loads.
import { app, session } from 'electron';
import type { WebContents, WebFrameMain } from 'electron';
import { isAppOrigin, isAppUrl } from './url-policy';

/** The dev server origin when running `electron-vite dev`, else null. */
export function devServerOrigin(): string | null {
  const url = process.env['ELECTRON_RENDERER_URL'];
  return url && !app.isPackaged ? new URL(url).origin : null;
}

const allowed = (url: string) => isAppUrl(url, devServerOrigin());

/** IPC is answered only for frames showing the app itself: exactly its origin (url-policy.ts). */
export function isTrustedSender(frame: WebFrameMain | null | undefined): boolean {
  return frame !== null && frame !== undefined && isAppOrigin(frame.url, devServerOrigin());
}

export function hardenSession(): void {
  const s = session.defaultSession;
  s.webRequest.onBeforeRequest((details, callback) => {
    const ok = allowed(details.url);
    if (!ok) console.error(`[concord] refused a network request to ${details.url}`);
    callback({ cancel: !ok });
  });
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
}

export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== contents.getURL()) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!allowed(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
