// The app's own scheme, concord-app://app/…, serves both the built renderer and voxel bytes:
//   concord-app://app/index.html, /assets/…          files from out/renderer (read-only, path-checked)
//   concord-app://app/api/volumes/<id>/voxels         a volume's voxel blob, streamed by id
//   concord-app://app/api/bundles/<id>                a bundle bundle:export wrote, once, then removed
// One origin for both means the renderer fetches voxels with the same relative URL in both hosts, and
// the request filter can refuse every other scheme.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { protocol } from 'electron';
import { getVolume } from '../../db/repositories/volumes';
import type { Services } from '../../services/create-services';

import { APP_SCHEME } from './url-policy';

export { APP_ORIGIN, APP_SCHEME } from './url-policy';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Must run before app 'ready'. `dev`: the renderer comes from the Vite dev server (`npm run dev`), whose page
 * fetches voxels from this scheme cross-origin, so the scheme takes CORS requests (answered for that origin
 * only, see handleAppScheme); the packaged app's page is on this scheme itself and needs no CORS.
 */
export function registerAppScheme(dev: boolean): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: dev },
    },
  ]);
}

function fileResponse(file: string, extra: Record<string, string>): Response {
  const st = fs.statSync(file);
  const stream = Readable.toWeb(fs.createReadStream(file)) as ReadableStream;
  return new Response(stream, {
    headers: {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': String(st.size),
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      ...extra,
    },
  });
}

const text = (status: number, body: string, extra: Record<string, string>) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...extra } });

/**
 * Serves the scheme. `devOrigin`: the dev server's origin in development (its page may read the responses),
 * else null. A URL that does not parse or decode is a 400; anything not found, or outside the renderer
 * folder, a 404; an unexpected failure a 500 (logged), never an exception into Electron.
 */
export function handleAppScheme(services: Services, rendererDir: string, devOrigin: string | null): void {
  const cors: Record<string, string> = devOrigin
    ? { 'access-control-allow-origin': devOrigin, vary: 'origin' }
    : {};
  const root = path.resolve(rendererDir);
  protocol.handle(APP_SCHEME, (request) => {
    let url: URL;
    let rel: string;
    try {
      url = new URL(request.url);
      rel = decodeURIComponent(url.pathname);
    } catch {
      return text(400, 'bad request', cors);
    }
    if (rel.includes('\0')) return text(400, 'bad request', cors);
    if (url.host !== 'app') return text(404, 'not found', cors);
    try {
      const voxels = /^\/api\/volumes\/(\d+)\/voxels$/.exec(url.pathname);
      if (voxels) {
        const meta = getVolume(services.app.workspace.db, Number(voxels[1]));
        if (!meta) return text(404, 'no such volume', cors);
        return fileResponse(services.app.workspace.blobs.pathOf(meta.checksum), cors);
      }
      const bundle = /^\/api\/bundles\/([A-Za-z0-9_-]{8,64})$/.exec(url.pathname);
      if (bundle) {
        const d = services.app.downloads.take(bundle[1]!);
        const bytes = fs.readFileSync(d.file);
        d.done();
        return new Response(bytes, { headers: { 'content-type': 'application/octet-stream', ...cors } });
      }
      if (rel === '/' || rel === '') rel = '/index.html';
      const file = path.resolve(root, '.' + rel);
      if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        return text(404, 'not found', cors);
      }
      return fileResponse(file, cors);
    } catch (e) {
      console.error(`[concord] ${APP_SCHEME} could not answer ${request.url}: ${(e as Error).message}`);
      return text(500, 'internal error', cors);
    }
  });
}
