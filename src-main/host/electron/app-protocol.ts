// The app's own scheme, concord-app://app/…, serves both the built renderer and voxel bytes:
//   concord-app://app/index.html, /assets/…          files from out/renderer (read-only, path-checked)
//   concord-app://app/api/volumes/<id>/voxels         a volume's voxel blob, streamed by id
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

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

function fileResponse(file: string): Response {
  const st = fs.statSync(file);
  const stream = Readable.toWeb(fs.createReadStream(file)) as ReadableStream;
  return new Response(stream, {
    headers: {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': String(st.size),
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
    },
  });
}

export function handleAppScheme(services: Services, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    if (url.host !== 'app') return new Response('not found', { status: 404 });
    const voxels = /^\/api\/volumes\/(\d+)\/voxels$/.exec(url.pathname);
    if (voxels) {
      const meta = getVolume(services.app.workspace.db, Number(voxels[1]));
      if (!meta) return new Response('no such volume', { status: 404 });
      return fileResponse(services.app.workspace.blobs.pathOf(meta.checksum));
    }
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = path.resolve(rendererDir, '.' + rel);
    if (
      !file.startsWith(path.resolve(rendererDir) + path.sep) ||
      !fs.existsSync(file) ||
      !fs.statSync(file).isFile()
    ) {
      return new Response('not found', { status: 404 });
    }
    return fileResponse(file);
  });
}
