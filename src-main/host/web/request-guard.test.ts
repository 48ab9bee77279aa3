// The web host's request guard: a handler's failure, thrown or rejected, is logged with an id and answered
// 500 without detail; the server goes on answering.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { guardRequest } from './request-guard';
import type { RequestHandler } from './request-guard';

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: RequestHandler, log: (l: string) => void): Promise<number> {
  server = http.createServer(guardRequest(handler, log));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as AddressInfo).port;
}

function get(port: number, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: p }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: -1, body }));
    });
    req.on('error', () => resolve({ status: -1, body: '' }));
  });
}

describe('guardRequest', () => {
  it('answers 500 with an error id, never the detail, when a handler throws or rejects', async () => {
    const lines: string[] = [];
    const port = await serve(
      (req, res) => {
        if (req.url === '/sync') throw new Error('secret /home/x/blob/ab/cd');
        if (req.url === '/async') return Promise.reject(new Error('secret /home/x/blob/ef'));
        res.end('fine');
      },
      (l) => lines.push(l),
    );
    for (const p of ['/sync', '/async']) {
      const r = await get(port, p);
      expect(r.status).toBe(500);
      const body = JSON.parse(r.body) as { ok: boolean; error: { code: string; message: string } };
      expect(body).toMatchObject({ ok: false, error: { code: 'internal' } });
      expect(body.error.message).not.toContain('secret');
      const id = /id ([0-9a-f]{8})/.exec(body.error.message)?.[1];
      expect(id).toBeDefined();
      expect(lines.some((l) => l.includes(`error ${id!}`) && l.includes('secret'))).toBe(true);
    }
    expect(await get(port, '/ok')).toEqual({ status: 200, body: 'fine' });
  });

  it('drops the connection when the answer had begun, and keeps serving', async () => {
    const lines: string[] = [];
    const port = await serve(
      (req, res) => {
        if (req.url === '/half') {
          res.writeHead(200);
          res.write('partial');
          throw new Error('after the headers');
        }
        res.end('fine');
      },
      (l) => lines.push(l),
    );
    const r = await get(port, '/half');
    expect(r.status === -1 || r.body === 'partial').toBe(true);
    expect(lines).toHaveLength(1);
    expect(await get(port, '/ok')).toEqual({ status: 200, body: 'fine' });
  });
});
