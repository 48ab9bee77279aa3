// HostBridge over the web host: the contract on a WebSocket, voxels and uploads over HTTP, all carrying
// the per-launch token. The token arrives in the page URL (?token=…, the address the host prints), or is
// traded once for a one-time launch code (?code=…, the address a browser started by the host gets, so the
// token is never on a command line); either way it is moved to sessionStorage and removed from the
// address bar so that it does not linger in history or screenshots.
// Across reloads and restarts: after a sign-in the tab asks for a resume token (session:keep) and keeps it
// in sessionStorage beside the access token; every new connection presents it first (session:resume), so a
// reload, or the host coming back after a restart, finds the tab signed in as before (SECURITY.md). When the
// connection drops, the bridge says so (onConnection), retries every RETRY_MS, and requests made meanwhile
// wait for it instead of failing: the page, and the edits it has not saved yet, stay as they are.
import type { EventChannel, Events, HostBridge, Result } from '@contract';
import { decodeWire, encodeWire } from '@preload/wire';
import { readBody } from './readBody';

const TOKEN_KEY = 'concord.token';
const RESUME_KEY = 'concord.resume';
const RETRY_MS = 1000;

export function takeToken(): Promise<string> {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  const code = url.searchParams.get('code');
  if (fromUrl !== null || code !== null) {
    url.searchParams.delete('token');
    url.searchParams.delete('code');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    return Promise.resolve(fromUrl);
  }
  if (code) return redeemCode(code);
  return Promise.resolve(sessionStorage.getItem(TOKEN_KEY) ?? '');
}

/** Trades a launch code for the token (once); '' when the code was spent or expired. */
async function redeemCode(code: string): Promise<string> {
  try {
    const r = await fetch('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    const body = (await r.json()) as { ok: boolean; value?: { token: string } };
    if (!body.ok || !body.value) return '';
    sessionStorage.setItem(TOKEN_KEY, body.value.token);
    return body.value.token;
  } catch {
    return '';
  }
}

type Pending = { resolve: (r: Result<unknown>) => void };

const LOST: Result<never> = {
  ok: false,
  error: { code: 'busy', message: 'the connection to Concord was lost before the answer came' },
};

export function createWebBridge(tokenSource: string | Promise<string> = takeToken()): HostBridge {
  const tokenReady = Promise.resolve(tokenSource);
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const connectionListeners = new Set<(up: boolean) => void>();
  let socket: WebSocket | null = null;
  let opening: Promise<WebSocket> | null = null;
  /** True once a connection was open: from then on a lost one is retried, not reported as an error. */
  let everOpen = false;
  let down = false;

  const setDown = (d: boolean) => {
    if (d === down) return;
    down = d;
    for (const l of connectionListeners) l(!d);
  };

  /** One attempt: opens a socket and signs it in again with the tab's kept session, if any. */
  function open(token: string): Promise<WebSocket> {
    return new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`ws://${window.location.host}/api/ws?token=${encodeURIComponent(token)}`);
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => {
        const resume = sessionStorage.getItem(RESUME_KEY);
        if (!resume) return resolve(ws);
        // The first message of the connection: nothing else is sent before the tab is signed in again.
        const id = nextId++;
        pending.set(id, {
          resolve: (r) => {
            if (!r.ok && r.error.code !== 'busy') sessionStorage.removeItem(RESUME_KEY);
            resolve(ws);
          },
        });
        ws.send(encodeWire({ type: 'invoke', id, channel: 'session:resume', req: { token: resume } }));
      };
      ws.onerror = () =>
        reject(
          new Error(
            'cannot reach the Concord web host (is it still running? was the page opened with its token?)',
          ),
        );
      ws.onclose = () => {
        if (socket === ws) socket = null;
        for (const [id, p] of pending) {
          p.resolve(LOST);
          pending.delete(id);
        }
        if (everOpen) setDown(true);
        if (everOpen && !opening) void connect().catch(() => undefined);
      };
      ws.onmessage = (e: MessageEvent<string | ArrayBuffer>) => {
        const msg = decodeWire(e.data) as
          | { type: 'result'; id: number; result: Result<unknown> }
          | { type: 'event'; event: string; payload: unknown };
        if (msg.type === 'result') {
          pending.get(msg.id)?.resolve(msg.result);
          pending.delete(msg.id);
        } else if (msg.type === 'event') {
          for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
        }
      };
    });
  }

  /** The open socket; after a first success, a lost one is retried until the host is back. */
  function connect(): Promise<WebSocket> {
    if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket);
    if (opening) return opening;
    opening = tokenReady
      .then(async (token) => {
        for (;;) {
          try {
            return await open(token);
          } catch (e) {
            if (!everOpen) throw e;
            await new Promise((r) => setTimeout(r, RETRY_MS));
          }
        }
      })
      .then(
        (ws) => {
          socket = ws;
          opening = null;
          everOpen = true;
          setDown(false);
          return ws;
        },
        (e: unknown) => {
          opening = null;
          throw e;
        },
      );
    return opening;
  }

  const auth = async () => ({ Authorization: `Bearer ${await tokenReady}` });

  async function send(channel: string, req: unknown): Promise<Result<unknown>> {
    let ws: WebSocket;
    try {
      ws = await connect();
    } catch (e) {
      return { ok: false, error: { code: 'internal', message: (e as Error).message } };
    }
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, { resolve });
      ws.send(encodeWire({ type: 'invoke', id, channel, req }));
    });
  }

  const bridge: HostBridge = {
    host: 'web',
    async invoke(channel, req) {
      const r = await send(channel, req);
      // Keep the sign-in for this tab's next connections; forget it at sign-out.
      if (channel === 'session:signIn' && r.ok) {
        const kept = await send('session:keep', undefined);
        if (kept.ok) sessionStorage.setItem(RESUME_KEY, (kept.value as { token: string }).token);
      } else if (channel === 'session:signOut' && r.ok) sessionStorage.removeItem(RESUME_KEY);
      return r as never;
    },
    on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const l = listener as (p: unknown) => void;
      set.add(l);
      void connect().catch(() => undefined);
      return () => {
        set.delete(l);
      };
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    async fetchVoxels(volumeId, onProgress) {
      return readBody(await fetch(`/api/volumes/${volumeId}/voxels`, { headers: await auth() }), onProgress);
    },
    async fetchBundle(downloadId) {
      const res = await fetch(`/api/bundles/${encodeURIComponent(downloadId)}`, { headers: await auth() });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `the bundle could not be fetched (${res.status})`);
      }
      return res.blob();
    },
    async uploadFiles(files, onProgress) {
      const total = files.reduce((s, f) => s + f.file.size, 0);
      // The host grants the upload first (a signed-in importer, the total under its cap and the free space).
      const granted = await bridge.invoke('import:beginUpload', { files: files.length, bytes: total });
      if (!granted.ok) throw new Error(granted.error.message);
      const { uploadId } = granted.value;
      let sent = 0;
      let next = 0;
      // A few files in flight at once: DICOM folders are hundreds of small files.
      const worker = async () => {
        while (next < files.length) {
          const f = files[next++]!;
          const rel = f.path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
          const res = await fetch(`/api/uploads/${uploadId}/${rel}`, {
            method: 'PUT',
            headers: await auth(),
            body: f.file,
          });
          if (!res.ok) {
            const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
            throw new Error(body?.error?.message ?? `upload of ${f.path} failed (${res.status})`);
          }
          sent += f.file.size;
          onProgress?.(sent, total);
        }
      };
      await Promise.all(Array.from({ length: Math.min(4, files.length) }, worker));
      return uploadId;
    },
  };
  return bridge;
}
