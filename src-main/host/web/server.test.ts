// The web host's gatekeeping and its contract transport, against a real server on 127.0.0.1.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { tempDir } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { createServices } from '../../services/create-services';
import { startWebHost } from './server';
import type { WebHost } from './server';

let host: WebHost;
let renderer: string;

beforeAll(async () => {
  const dir = tempDir();
  renderer = path.join(dir, 'renderer');
  fs.mkdirSync(renderer);
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Concord</title>');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the renderer');
  const services = createServices(openWorkspace(path.join(dir, 'ws')), { host: 'web' });
  host = await startWebHost({
    services,
    rendererDir: renderer,
    token: 'test-token-0123456789',
    log: () => undefined,
  });
});

afterAll(async () => {
  await host.close();
});

function request(
  pathname: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        path: pathname,
        method: options.method ?? 'GET',
        headers: { host: `127.0.0.1:${host.port}`, ...options.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    // A host that stopped (or never answers) fails the test quickly instead of at the test's time-out.
    req.setTimeout(5000, () => req.destroy(new Error(`no answer to ${pathname}`)));
    req.end(options.body);
  });
}

function socket(query: string, origin: string | undefined): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/ws${query}`, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function invoke(ws: WebSocket, id: number, channel: string, req: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString()) as { type: string; id: number; result: unknown };
      if (msg.type === 'result' && msg.id === id) {
        ws.off('message', onMessage);
        resolve(msg.result);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'invoke', id, channel, req }));
  });
}

describe('web host', () => {
  it('listens on the loopback address only, with the token in its URL', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=test-token-0123456789$/);
  });

  it('serves the renderer with a strict Content-Security-Policy', async () => {
    const r = await request('/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>Concord</title>');
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['x-frame-options']).toBe('DENY');
  });

  it('does not serve files outside the renderer folder', async () => {
    expect((await request('/../secret.txt')).status).toBe(404);
    expect((await request('/%2e%2e/secret.txt')).status).toBe(404);
  });

  it('answers 400 to NUL and control characters in a path and keeps serving (no request stops the host)', async () => {
    for (const [method, p] of [
      ['GET', '/%00'],
      ['GET', '/assets/a%00b'],
      ['HEAD', '/x%00'],
      ['GET', '/%01.js'],
      ['GET', '/a%7Fb'],
    ] as const)
      expect((await request(p, { method })).status, `${method} ${p}`).toBe(400);
    expect((await request('/')).status).toBe(200);
  });

  it('refuses a WebSocket upgrade whose Host or request line does not parse, and keeps serving', async () => {
    const raw = (text: string) =>
      new Promise<string>((resolve) => {
        const c = net.connect(host.port, '127.0.0.1', () => c.end(text));
        let got = '';
        c.on('data', (d: Buffer) => (got += d.toString()));
        c.on('close', () => resolve(got));
        c.on('error', () => resolve(got));
      });
    const upgrade =
      'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
    expect(await raw(`GET /api/ws HTTP/1.1\r\nHost: a b\r\n${upgrade}\r\n`)).toMatch(/^HTTP\/1\.1 (400|403)/);
    const origin = `Origin: http://127.0.0.1:${host.port}\r\n`;
    expect(
      await raw(`GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n${origin}${upgrade}\r\n`),
    ).toMatch(/^HTTP\/1\.1 (400|403)/);
    expect((await request('/')).status).toBe(200);
  });

  it('refuses requests for another Host name (DNS rebinding)', async () => {
    const r = await request('/', { headers: { host: `evil.example:${host.port}` } });
    expect(r.status).toBe(421);
  });

  it('refuses API calls without the token', async () => {
    expect((await request('/api/volumes/1/voxels')).status).toBe(401);
    const r = await request('/api/volumes/1/voxels', { headers: { authorization: 'Bearer wrong' } });
    expect(r.status).toBe(401);
  });

  it('answers 404 for a volume that does not exist, with the token', async () => {
    const r = await request('/api/volumes/424242/voxels', {
      headers: { authorization: 'Bearer test-token-0123456789' },
    });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('refuses WebSocket connections with a wrong token or a foreign origin', async () => {
    const origin = `http://127.0.0.1:${host.port}`;
    await expect(socket('?token=wrong', origin)).rejects.toThrow(/403/);
    await expect(socket('?token=test-token-0123456789', 'http://evil.example')).rejects.toThrow(/403/);
    await expect(socket('?token=test-token-0123456789', undefined)).rejects.toThrow(/403/);
  });

  it('serves the contract over the WebSocket; expected failures come back as data', async () => {
    const ws = await socket('?token=test-token-0123456789', `http://127.0.0.1:${host.port}`);
    expect(await invoke(ws, 1, 'app:info', undefined)).toMatchObject({ ok: true, value: { host: 'web' } });
    expect(await invoke(ws, 2, 'project:list', undefined)).toEqual({ ok: true, value: [] });
    expect(await invoke(ws, 3, 'volume:get', { volumeId: 9 })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await invoke(ws, 4, 'volume:get', { volumeId: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'bad-input' },
    });
    expect(await invoke(ws, 5, 'no:such', {})).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(await invoke(ws, 6, 'dialog:pickImport', { folder: true })).toMatchObject({
      ok: false,
      error: { code: 'unsupported' },
    });
    ws.close();
  });

  it('trades a one-time launch code for the token, once, from the app origin only', async () => {
    const launch = host.launchUrl();
    expect(new URL(launch).searchParams.get('token')).toBeNull();
    expect(launch).not.toContain('test-token');
    const code = new URL(launch).searchParams.get('code')!;
    const origin = `http://127.0.0.1:${host.port}`;
    const redeem = (c: string, o: string | undefined) =>
      request('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(o ? { origin: o } : {}) },
        body: JSON.stringify({ code: c }),
      });
    expect((await redeem(code, 'http://evil.example')).status).toBe(403);
    // Refused before the code is looked at: the page can still use it.
    const code2 = code;
    const ok = await redeem(code2, origin);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ ok: true, value: { token: 'test-token-0123456789' } });
    const again = await redeem(code2, origin);
    expect(again.status).toBe(403);
    expect(JSON.parse(again.body)).toMatchObject({
      ok: false,
      error: { message: /already used or has expired/ },
    });
    expect((await redeem('made-up', origin)).status).toBe(403);
  });

  it('refuses uploads the app did not start (no grant), whatever the path', async () => {
    const r = await request('/api/uploads/abcdefgh12/..%2F..%2Fevil.txt', {
      method: 'PUT',
      headers: { authorization: 'Bearer test-token-0123456789', 'content-length': '3' },
      body: 'abc',
    });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
