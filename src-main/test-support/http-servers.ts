// Small HTTP servers on 127.0.0.1 for the PACS tests: one that answers what a broken or slow PACS answers,
// and a proxy in front of a real one that can cut connections mid-transfer. Closed after the test file.
import http from 'node:http';
import type net from 'node:net';
import { afterAll } from 'vitest';

export interface TestServer {
  url: string;
  /** Requests seen, as "METHOD path". */
  seen: string[];
  close(): Promise<void>;
}

async function listen(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, seen: string[]) => void,
): Promise<TestServer> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    handler(req, res, seen);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  afterAll(close);
  return { url: `http://127.0.0.1:${port}`, seen, close };
}

export type BadAnswer =
  | 'html'
  | 'bad-json'
  | 'json-object'
  | 'never'
  | 'non-dicom-multipart'
  | 'http-500'
  | 'redirect'
  | 'endless-json';

const STUDY = '1.2.3.4';
const QIDO_INSTANCE = [
  {
    '0020000D': { vr: 'UI', Value: [STUDY] },
    '0020000E': { vr: 'UI', Value: ['1.2.3.4.5'] },
    '00080018': { vr: 'UI', Value: ['1.2.3.4.5.6'] },
  },
];

/**
 * A server answering every request the same wrong way; with `listingOk`, QIDO instance listings are right
 * (study 1.2.3.4, one instance) so that the wrong answer comes at WADO-RS or STOW-RS.
 */
export function badPacs(answer: BadAnswer, opts: { listingOk?: boolean } = {}): Promise<TestServer> {
  return listen((req, res) => {
    req.resume();
    if (opts.listingOk && req.method === 'GET' && /\/instances(\?|$)/.test(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'application/dicom+json' });
      res.end(JSON.stringify(QIDO_INSTANCE));
      return;
    }
    switch (answer) {
      case 'never':
        return; // the request is left open: a PACS that has stopped answering
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body><h1>Welcome to the hospital portal</h1></body></html>');
        return;
      case 'bad-json':
        res.writeHead(200, { 'content-type': 'application/dicom+json' });
        res.end('[{"0020000D": {"vr": "UI", "Value": [');
        return;
      case 'json-object':
        res.writeHead(200, { 'content-type': 'application/dicom+json' });
        res.end('{"status": "ok"}');
        return;
      case 'redirect':
        res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere' });
        res.end();
        return;
      case 'endless-json': {
        // A JSON list that never ends (65 MiB and more, 1 MiB at a time, until the client hangs up).
        res.writeHead(200, { 'content-type': 'application/dicom+json' });
        const chunk = Buffer.alloc(1024 * 1024, ' ');
        res.write('[');
        const more = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', more);
        };
        res.on('close', () => res.removeAllListeners('drain'));
        more();
        return;
      }
      case 'http-500':
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error');
        return;
      case 'non-dicom-multipart': {
        const b = 'BOUNDARY42';
        res.writeHead(200, { 'content-type': `multipart/related; type="application/dicom"; boundary=${b}` });
        res.end(
          `--${b}\r\nContent-Type: application/dicom\r\n\r\n` +
            'this is a PNG, honestly, not a DICOM file at all'.repeat(10) +
            `\r\n--${b}--\r\n`,
        );
        return;
      }
    }
  });
}

/** A proxy to `target`; while `cut()` holds, WADO-RS instance retrievals after the first `allow` have
 *  their connection destroyed before any answer (a network that went away mid-transfer). */
export async function cuttingProxy(
  target: string,
): Promise<TestServer & { cutAfter(allow: number | null): void }> {
  let allow: number | null = null;
  let served = 0;
  const server = await listen((req, res) => {
    const isInstance = /\/series\/[0-9.]+\/instances\/[0-9.]+$/.test(req.url ?? '');
    if (isInstance && allow !== null) {
      if (served >= allow) {
        req.socket.destroy();
        return;
      }
      served++;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string' && k !== 'host') headers[k] = v;
      fetch(target + req.url, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      }).then(
        async (r) => {
          const body = Buffer.from(await r.arrayBuffer());
          const out: Record<string, string> = {};
          r.headers.forEach((v, k) => {
            if (k !== 'content-encoding' && k !== 'transfer-encoding' && k !== 'content-length') out[k] = v;
          });
          res.writeHead(r.status, out);
          res.end(body);
        },
        () => req.socket.destroy(),
      );
    });
  });
  return {
    ...server,
    cutAfter(n) {
      allow = n;
      served = 0;
    },
  };
}
