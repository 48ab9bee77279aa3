// The last line of defence of the web host's request handlers: whatever a handler throws, synchronously or
// by a rejected promise, is logged with an error id and answered 500 (or the connection is dropped when the
// answer had already begun). No request, from whatever page, can stop the process.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export function guardRequest(handler: RequestHandler, log: (line: string) => void): RequestListener {
  const fail = (req: IncomingMessage, res: ServerResponse, e: unknown): void => {
    const id = randomBytes(4).toString('hex');
    // The request's path may hold control characters: JSON-quote it so a log line stays one line.
    log(`[web] error ${id} ${req.method ?? '?'} ${JSON.stringify(req.url ?? '')}: ${stackOf(e)}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(500, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(
      JSON.stringify({
        ok: false,
        error: { code: 'internal', message: `internal error (id ${id}); the host's log has the detail` },
      }),
    );
  };
  return (req, res) => {
    try {
      const done = handler(req, res);
      if (done) done.catch((e: unknown) => fail(req, res, e));
    } catch (e) {
      fail(req, res, e);
    }
  };
}

function stackOf(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
