// Picks the host bridge once: Electron's preload if present, else the web host's socket.
import type { HostBridge, PreloadApi } from '@contract';
import { createElectronBridge } from './electronBridge';
import { createWebBridge } from './webBridge';

declare global {
  interface Window {
    concord?: PreloadApi;
  }
}

let bridge: HostBridge | null = null;

export function getBridge(): HostBridge {
  bridge ??= window.concord ? createElectronBridge(window.concord) : createWebBridge();
  return bridge;
}

/** Unwraps a Result, throwing its error message (for call sites that show errors via a catch). */
export async function call<T>(
  promise: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>,
): Promise<T> {
  const r = await promise;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
