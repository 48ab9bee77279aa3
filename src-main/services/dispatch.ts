// Calls a handler and turns its outcome into a wire Result. Expected failures become data with a code;
// SQLite's "busy" and "disk full" and the system's "no space" become 'busy' (retryable) and 'resource'
// with a message that says what to do; anything else is a bug: logged in main with its stack under an
// error id, and answered 'internal' with that id only (no paths or stack reach the client).
import type { AppError, Req, RequestChannel, Res, Result } from '../../src-preload/contract';
import { randomBytes } from 'node:crypto';
import {
  BusyError,
  CancelledError,
  ConflictError,
  ForbiddenError,
  InputError,
  NotFoundError,
  ResourceError,
  UnsupportedError,
} from '../core/errors';
import { DISK_FULL } from '../workspace/blob-store';
import type { CallContext } from './context';
import type { Handlers } from './handlers';

/** SQLite's and the system's codes for a write lock held too long and for a full disk. */
const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_LOCKED']);
const FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);

export const BUSY_MESSAGE =
  'the workspace is busy: another program (a command-line job, a second Concord) is writing to it; nothing was changed, try again in a moment';

/** A short random id that ties an answer to its line in the host's log. */
export function newErrorId(): string {
  return randomBytes(4).toString('hex');
}

/**
 * The wire form of a failure. `errorId` names an internal error's log line (dispatch logs the detail under
 * it); without one, an internal error's message keeps its own text (the CLI, on its user's own terminal).
 */
export function toAppError(e: unknown, errorId?: string): AppError {
  const code = (e as { code?: unknown } | null)?.code;
  if (e instanceof BusyError || (typeof code === 'string' && BUSY_CODES.has(code)))
    return { code: 'busy', message: e instanceof BusyError ? e.message : BUSY_MESSAGE };
  if (typeof code === 'string' && FULL_CODES.has(code)) return { code: 'resource', message: DISK_FULL };
  if (e instanceof ResourceError) return { code: 'resource', message: e.message };
  if (e instanceof InputError) return { code: 'bad-input', message: e.message };
  if (e instanceof NotFoundError) return { code: 'not-found', message: e.message };
  if (e instanceof CancelledError) return { code: 'cancelled', message: e.message };
  if (e instanceof UnsupportedError) return { code: 'unsupported', message: e.message };
  if (e instanceof ConflictError) return { code: 'conflict', message: e.message };
  if (e instanceof ForbiddenError) return { code: 'forbidden', message: e.message };
  if (errorId !== undefined)
    return { code: 'internal', message: `internal error (id ${errorId}); the log has the detail` };
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
    const id = newErrorId();
    const error = toAppError(e, id);
    if (error.code === 'internal') log(`[${channel}] error ${id}: ${(e as Error)?.stack ?? String(e)}`);
    return { ok: false, error };
  }
}
