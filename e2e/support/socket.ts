// The contract over the web host's WebSocket, from the test process: the same wire format (wire.ts) and the
// same per-launch token and origin checks the renderer goes through. For specs that exercise services the UI
// does not drive yet, and for acknowledgements that must be observed outside the browser.
import WebSocket from 'ws';
import type { EventChannel, Req, RequestChannel, Res, Result } from '../../src-preload/contract';
import { decodeWire, encodeWire } from '../../src-preload/wire';

export interface SocketClient {
  call<C extends RequestChannel>(channel: C, req: Req<C>): Promise<Result<Res<C>>>;
  /** The value, or throws with the error's code and message. */
  ok<C extends RequestChannel>(channel: C, req: Req<C>): Promise<Res<C>>;
  /** Every event the host pushed to this connection, in order. */
  events: { event: EventChannel; payload: unknown }[];
  close(): void;
}

/** Connects to the web host at `url` (the address `concord serve` prints, token included). */
export async function connectSocket(url: string): Promise<SocketClient> {
  const u = new URL(url);
  const token = u.searchParams.get('token') ?? '';
  const ws = new WebSocket(`ws://${u.host}/api/ws?token=${encodeURIComponent(token)}`, { origin: u.origin });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const events: SocketClient['events'] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const msg = decodeWire(isBinary ? new Uint8Array(data) : data.toString('utf8')) as {
      type: string;
      id?: number;
      result?: Result<unknown>;
      event?: EventChannel;
      payload?: unknown;
    };
    if (msg.type === 'event' && msg.event !== undefined)
      events.push({ event: msg.event, payload: msg.payload });
    if (msg.type === 'result' && msg.id !== undefined) {
      pending.get(msg.id)?.(msg.result!);
      pending.delete(msg.id);
    }
  });
  ws.on('close', () => {
    for (const [id, resolve] of pending) {
      resolve({
        ok: false,
        error: { code: 'internal', message: 'connection to the Concord web host was lost' },
      });
      pending.delete(id);
    }
  });
  const call = <C extends RequestChannel>(channel: C, req: Req<C>): Promise<Result<Res<C>>> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (r: Result<unknown>) => void);
      ws.send(encodeWire({ type: 'invoke', id, channel, req }));
    });
  return {
    call,
    async ok(channel, req) {
      const r = await call(channel, req);
      if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
      return r.value;
    },
    events,
    close: () => ws.terminate(),
  };
}
