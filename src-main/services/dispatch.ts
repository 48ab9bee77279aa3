// Calls a handler and turns its outcome into a wire Result. Expected failures become data with a code;
// anything else is a bug: logged in main with its stack, reported to the renderer as 'internal'.
import type { AppError, Req, RequestChannel, Res, Result } from '../../src-preload/contract';
import {
  CancelledError,
  ConflictError,
  ForbiddenError,
  InputError,
  NotFoundError,
  UnsupportedError,
} from '../core/errors';
import type { CallContext } from './context';
import type { Handlers } from './handlers';

export function toAppError(e: unknown): AppError {
  if (e instanceof InputError) return { code: 'bad-input', message: e.message };
  if (e instanceof NotFoundError) return { code: 'not-found', message: e.message };
  if (e instanceof CancelledError) return { code: 'cancelled', message: e.message };
  if (e instanceof UnsupportedError) return { code: 'unsupported', message: e.message };
  if (e instanceof ConflictError) return { code: 'conflict', message: e.message };
  if (e instanceof ForbiddenError) return { code: 'forbidden', message: e.message };
  return { code: 'internal', message: `internal error: ${(e as Error)?.message ?? String(e)}` };
}

export function isChannel(handlers: Handlers, channel: unknown): channel is RequestChannel {
  return typeof channel === 'string' && Object.prototype.hasOwnProperty.call(handlers, channel);
}

export async function dispatch<C extends RequestChannel>(
  handlers: Handlers,
  channel: C,
  req: Req<C>,
  ctx: CallContext,
  log: (msg: string) => void = (m) => console.error(m),
): Promise<Result<Res<C>>> {
  try {
    const handler = handlers[channel] as (req: Req<C>, ctx: CallContext) => Promise<Res<C>> | Res<C>;
    return { ok: true, value: await handler(req, ctx) };
  } catch (e) {
    const error = toAppError(e);
    if (error.code === 'internal') log(`[${channel}] ${(e as Error)?.stack ?? String(e)}`);
    return { ok: false, error };
  }
}
