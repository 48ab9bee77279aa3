// Browser uploads for import, against a real web host: only a signed-in importer's window is granted an
// upload id; PUTs land only in a granted id, within the announced number of files and bytes and never
// outside the upload folder; the import takes the grant, from the window that holds it only.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tempDir } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { createServices } from '../../services/create-services';
import { MAX_IMPORT_BYTES } from '../../services/workspace/upload-grants';
import { startWebHost } from './server';
import type { WebHost } from './server';

const TOKEN = 'upload-test-token-0123456789';
let host: WebHost;

beforeAll(async () => {
  const dir = tempDir();
  const renderer = path.join(dir, 'renderer');
  fs.mkdirSync(renderer);
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Concord</title>');
  const services = createServices(openWorkspace(path.join(dir, 'ws')), { host: 'web' });
  host = await startWebHost({ services, rendererDir: renderer, token: TOKEN, log: () => undefined });
});
afterAll(() => host.close());

function put(uploadId: string, rel: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        path: `/api/uploads/${uploadId}/${rel}`,
        method: 'PUT',
        headers: { host: `127.0.0.1:${host.port}`, authorization: `Bearer ${TOKEN}` },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A connection with `call(channel, req)`. */
async function connection() {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/ws?token=${TOKEN}`, {
    origin: `http://127.0.0.1:${host.port}`,
  });
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  let next = 1;
  const call = (channel: string, req: unknown) =>
    new Promise<{
      ok: boolean;
      value?: {
        id: number;
        uploadId: string;
        volumes?: { sourceFormat: string; dims: number[] }[];
        skipped?: string[];
      };
      error?: { code: string; message: string };
    }>((resolve) => {
      const id = next++;
      const on = (data: WebSocket.RawData) => {
        const msg = JSON.parse(data.toString()) as { type: string; id: number; result: never };
        if (msg.type === 'result' && msg.id === id) {
          ws.off('message', on);
          resolve(msg.result);
        }
      };
      ws.on('message', on);
      ws.send(JSON.stringify({ type: 'invoke', id, channel, req }));
    });
  return { ws, call };
}

describe('browser uploads', () => {
  it('grants uploads to a signed-in importer only, and holds PUTs to what was announced', async () => {
    const a = await connection();
    const b = await connection();
    try {
      // Signed out: no grant.
      expect(await a.call('import:beginUpload', { files: 1, bytes: 3 })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      const admin = await a.call('annotator:create', {
        name: 'Admin',
        role: 'admin',
        password: 'correct horse',
      });
      await a.call('session:signIn', { annotatorId: admin.value!.id, password: 'correct horse' });
      expect(await a.call('import:beginUpload', { files: 1, bytes: MAX_IMPORT_BYTES + 1 })).toMatchObject({
        ok: false,
        error: { code: 'bad-input', message: /more than the 32\.0 GiB one import may upload/ },
      });
      const grant = await a.call('import:beginUpload', { files: 2, bytes: 10 });
      expect(grant.ok).toBe(true);
      const id = grant.value!.uploadId;
      expect((await put(id, '..%2F..%2Fevil.txt', 'abc')).status).toBe(400);
      expect((await put(id, 'a.txt', 'abcdef')).status).toBe(200);
      // 6 of 10 bytes used: 5 more is over the announced total.
      const over = await put(id, 'b.txt', '12345');
      expect(over.status).toBe(400);
      expect(JSON.parse(over.body)).toMatchObject({ error: { message: /larger than the import announced/ } });
      expect((await put(id, 'c.txt', 'x')).status).toBe(400); // a third file of two
      // Another window cannot import this upload.
      const other = await b.call('import:run', { jobId: 'j', source: { kind: 'upload', uploadId: id } });
      expect(other).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    } finally {
      a.ws.close();
      b.ws.close();
    }
  });

  it('imports an NRRD header with its detached data file uploaded beside it (the NRRD import of the app)', async () => {
    const a = await connection();
    try {
      // The first admin of this host (created by the test above when it ran, else here).
      const made = await a.call('annotator:create', {
        name: 'Admin',
        role: 'admin',
        password: 'correct horse',
      });
      const list = (await a.call('annotator:list', undefined)) as unknown as {
        value: { id: number; name: string }[];
      };
      const adminId = made.ok ? made.value!.id : list.value.find((p) => p.name === 'Admin')!.id;
      await a.call('session:signIn', { annotatorId: adminId, password: 'correct horse' });
      const head =
        'NRRD0004\ntype: uint8\ndimension: 3\nsizes: 2 2 2\nspace: left-posterior-superior\n' +
        'space directions: (1,0,0) (0,1,0) (0,0,2)\nspace origin: (0,0,0)\nencoding: raw\ndata file: scan.raw\n';
      const grant = await a.call('import:beginUpload', { files: 2, bytes: head.length + 8 });
      const id = grant.value!.uploadId;
      expect((await put(id, 'scan/scan.nhdr', head)).status).toBe(200);
      expect((await put(id, 'scan/scan.raw', '01234567')).status).toBe(200);
      const r = await a.call('import:run', {
        jobId: 'n',
        source: { kind: 'upload', uploadId: id },
        projectName: 'N',
      });
      expect(r.ok, JSON.stringify(r.error)).toBe(true);
      expect(r.value!.volumes!.map((v) => [v.sourceFormat, v.dims])).toEqual([['nrrd', [2, 2, 2]]]);
      expect(r.value!.skipped).toEqual([]);
    } finally {
      a.ws.close();
    }
  });
});
