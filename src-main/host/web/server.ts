// The web host: the same services as the Electron host, served to any Chromium on 127.0.0.1.
//   GET  /                          the built renderer (static files)
//   WS   /api/ws?token=…            the contract: { type:'invoke', id, channel, req } -> { type:'result', id, result };
//                                  events pushed as { type:'event', event, payload }, each only to the
//                                  connections allowed to see it (services/identity/event-audience.ts)
//   GET  /api/volumes/<id>/voxels  a volume's voxel blob, streamed (Authorization: Bearer <token>)
//   PUT  /api/uploads/<id>/<path>  a file chosen in the browser, for import
//   GET  /api/bundles/<id>         a bundle bundle:export wrote, streamed once, then removed
//   POST /api/session              { code } -> { token }: a one-time launch code traded for the token
//                                  (launch-codes.ts), so that a browser the host starts never carries the
//                                  token on its command line
// Every /api request needs the per-launch token; the Host header must be the loopback address; WebSocket
// upgrades must come from the app's own origin.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { EventChannel, Events } from '@contract';
import { decodeWire, encodeWire } from '@preload/wire';
import { getVolume } from '../../db/repositories/volumes';
import { dispatch, isChannel, newErrorId, toAppError } from '../../services/dispatch';
import type { Services } from '../../services/create-services';
import type { CallContext } from '../../services/context';
import { LaunchCodes } from './launch-codes';
import { guardRequest } from './request-guard';
import { serveStatic } from './static-files';
import { receiveUpload } from './uploads';
import { contentSecurityPolicy, hostAllowed, originAllowed, requestToken, tokenMatches } from './security';

export interface WebHostOptions {
  services: Services;
  /** Folder with the built renderer (index.html). */
  rendererDir: string;
  /** 0 = any free port. */
  port?: number;
  /** Fixed token (tests); default: 32 random bytes. */
  token?: string;
  log?: (line: string) => void;
}

export interface WebHost {
  port: number;
  token: string;
  /** The address to open, token included (for the user's own terminal and for tests). */
  url: string;
  /** An address for a browser the host starts: a one-time launch code instead of the token. */
  launchUrl(): string;
  close(): Promise<void>;
}

/** What a client may send in one message: a mask patch as a binary part is at most a whole mask, one byte a
 *  voxel (a 512x512x300 mask is 75 MiB; 256 MiB holds a 1024x512x512 one). Answers go the other way and
 *  are not bounded by this. */
const MAX_MESSAGE_BYTES = 256 * 2 ** 20;

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const log = opts.log ?? ((l: string) => console.error(l));
  const { services } = opts;
  const sockets = new Set<WebSocket>();
  const codes = new LaunchCodes();
  let port = 0;

  /** Delivers an event to one connection; which connections get which event is the services' call. */
  const sendTo =
    (ws: WebSocket) =>
    <E extends EventChannel>(event: E, payload: Events[E]): void => {
      if (ws.readyState === ws.OPEN) ws.send(encodeWire({ type: 'event', event, payload }));
    };

  const securityHeaders = (): Record<string, string> => ({
    'content-security-policy': contentSecurityPolicy(port),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  });

  const sendJson = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...securityHeaders(),
      'content-type': 'application/json',
      'cache-control': 'no-store',
    });
    res.end(text);
  };

  const server = http.createServer(guardRequest(onRequest, log));

  function onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!hostAllowed(req, port)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('wrong host');
      return;
    }
    // The Host is ours (checked above), so this base always parses; only the path varies.
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!url.pathname.startsWith('/api/')) {
      serveStatic(opts.rendererDir, url, req, res, securityHeaders());
      return;
    }
    if (url.pathname === '/api/session') {
      redeemLaunchCode(req, res);
      return;
    }
    if (!tokenMatches(requestToken(req, url), token)) {
      sendJson(res, 401, {
        ok: false,
        error: { code: 'bad-input', message: 'missing or wrong access token' },
      });
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, port)) {
      sendJson(res, 403, {
        ok: false,
        error: { code: 'bad-input', message: 'cross-origin request refused' },
      });
      return;
    }
    handleApi(url, req, res).catch((e: unknown) => {
      const id = newErrorId();
      const error = toAppError(e, id);
      if (error.code === 'internal')
        log(`[web] error ${id} ${req.method} ${url.pathname}: ${(e as Error)?.stack ?? String(e)}`);
      if (!res.headersSent)
        sendJson(
          res,
          error.code === 'not-found'
            ? 404
            : error.code === 'forbidden'
              ? 403
              : error.code === 'busy'
                ? 503
                : error.code === 'internal' || error.code === 'resource'
                  ? 500
                  : 400,
          {
            ok: false,
            error,
          },
        );
      else res.destroy();
    });
  }

  /** POST /api/session from the app's own page: a launch code for the token, once. */
  function redeemLaunchCode(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.method !== 'POST' || !originAllowed(req.headers.origin, port)) {
      sendJson(res, 403, {
        ok: false,
        error: { code: 'forbidden', message: 'launch codes are redeemed by the app only' },
      });
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
      if (body.length > 1024) req.destroy();
    });
    req.on('end', () => {
      let code: unknown;
      try {
        code = (JSON.parse(body) as { code?: unknown }).code;
      } catch {
        code = undefined;
      }
      if (codes.redeem(code)) sendJson(res, 200, { ok: true, value: { token } });
      else
        sendJson(res, 403, {
          ok: false,
          error: {
            code: 'forbidden',
            message: 'this launch link was already used or has expired: open the address the host printed',
          },
        });
    });
  }

  async function handleApi(url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const voxels = /^\/api\/volumes\/(\d+)\/voxels$/.exec(url.pathname);
    if (voxels && req.method === 'GET') {
      const meta = getVolume(services.app.workspace.db, Number(voxels[1]));
      if (!meta) {
        sendJson(res, 404, {
          ok: false,
          error: { code: 'not-found', message: `volume ${voxels[1]} does not exist` },
        });
        return;
      }
      const file = services.app.workspace.blobs.pathOf(meta.checksum);
      const st = await fs.promises.stat(file);
      res.writeHead(200, {
        ...securityHeaders(),
        'content-type': 'application/octet-stream',
        'content-length': String(st.size),
        'cache-control': 'no-store',
      });
      fs.createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
      return;
    }
    const bundle = /^\/api\/bundles\/([A-Za-z0-9_-]{8,64})$/.exec(url.pathname);
    if (bundle && req.method === 'GET') {
      let d: ReturnType<Services['app']['downloads']['take']>;
      try {
        d = services.app.downloads.take(bundle[1]!);
      } catch (e) {
        sendJson(res, 404, { ok: false, error: { code: 'not-found', message: (e as Error).message } });
        return;
      }
      const st = await fs.promises.stat(d.file);
      res.writeHead(200, {
        ...securityHeaders(),
        'content-type': 'application/octet-stream',
        'content-length': String(st.size),
        'content-disposition': `attachment; filename="${d.fileName}"`,
        'cache-control': 'no-store',
      });
      fs.createReadStream(d.file)
        .on('error', () => res.destroy())
        .on('close', d.done)
        .pipe(res);
      return;
    }
    const upload = /^\/api\/uploads\/([A-Za-z0-9_-]{8,64})\/(.+)$/.exec(url.pathname);
    if (upload && req.method === 'PUT') {
      const bytes = await receiveUpload(
        services.app.workspace,
        services.app.uploads,
        upload[1]!,
        upload[2]!,
        req,
      );
      sendJson(res, 200, { ok: true, value: { bytes } });
      return;
    }
    sendJson(res, 404, { ok: false, error: { code: 'not-found', message: 'no such API route' } });
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    if (!upgradeAllowed(req)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      // Each connection (browser tab) signs in on its own.
      const ctx = services.context(sendTo(ws));
      ws.on('close', () => {
        sockets.delete(ws);
        services.release(ctx);
      });
      ws.on('message', (data, isBinary) => {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        onMessage(ws, ctx, isBinary ? bytes : bytes.toString('utf8')).catch((e: unknown) => {
          log(`[web] message failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
          ws.close(1011, 'internal error');
        });
      });
    });
  });

  /** Host first (loopback), then path, origin and token; a request line that does not parse is refused. */
  function upgradeAllowed(req: http.IncomingMessage): boolean {
    if (!hostAllowed(req, port) || !originAllowed(req.headers.origin, port)) return false;
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    } catch {
      return false;
    }
    return url.pathname === '/api/ws' && tokenMatches(requestToken(req, url), token);
  }

  async function onMessage(ws: WebSocket, ctx: CallContext, frame: string | Uint8Array): Promise<void> {
    let msg: { type?: unknown; id?: unknown; channel?: unknown; req?: unknown };
    try {
      msg = decodeWire(frame) as typeof msg;
    } catch {
      ws.close(1003, 'malformed message');
      return;
    }
    if (msg === null || typeof msg !== 'object') {
      ws.close(1003, 'malformed message');
      return;
    }
    if (msg.type !== 'invoke' || typeof msg.id !== 'number') {
      ws.close(1003, 'unknown message');
      return;
    }
    const result = isChannel(services.handlers, msg.channel)
      ? await dispatch(services.handlers, msg.channel, msg.req as never, ctx, log)
      : {
          ok: false as const,
          error: { code: 'bad-input' as const, message: `unknown channel ${String(msg.channel)}` },
        };
    if (ws.readyState === ws.OPEN) ws.send(encodeWire({ type: 'result', id: msg.id, result }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    launchUrl: () => `http://127.0.0.1:${port}/?code=${codes.issue()}`,
    async close() {
      for (const s of sockets) s.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
