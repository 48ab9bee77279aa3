// Serves the built renderer (out/renderer) read-only. Paths are resolved inside the root; anything that
// escapes it, or is not a regular file, is a 404. index.html is served for "/". A decoded path with a NUL
// or another control character is a 400 before any file call: Node's fs throws synchronously on NUL, and
// a page on any origin can send such a request (an <img src>).
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export function serveStatic(
  root: string,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (hasControlCharacter(rel)) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('bad path');
    return;
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = path.resolve(root, '.' + rel);
  if (!file.startsWith(path.resolve(root) + path.sep)) {
    res.writeHead(404).end();
    return;
  }
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': String(st.size),
      'cache-control': rel === '/index.html' ? 'no-store' : 'max-age=3600',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // The file can vanish between stat and read (a rebuild): drop the connection, never throw.
    fs.createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
}

/** True when a decoded path holds a C0 control character (NUL included) or DEL. */
export function hasControlCharacter(p: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(p);
}
