// Main's implementation of the contract: one function per request channel, grouped by feature. The
// mapped type makes a missing or mistyped handler a compile error. Handlers throw typed errors
// (InputError, NotFoundError, CancelledError, UnsupportedError); dispatch() turns them into
// { ok: false, error } for the wire.
import type { Req, RequestChannel, Res } from '../../src-preload/contract';
import type { AppContext, CallContext } from './context';
import { createConsensusHandlers } from './consensus/handlers';
import { JobRegistry } from './jobs';
import { createLabellingHandlers } from './labelling/handlers';
import { MaskStore } from './labelling/mask-store';
import { createWorkspaceHandlers } from './workspace-handlers';

export type Handler<C extends RequestChannel> = (req: Req<C>, ctx: CallContext) => Promise<Res<C>> | Res<C>;

/** The handlers of a subset of channels (one feature). */
export type HandlerGroup<C extends RequestChannel> = { [K in C]: Handler<K> };

export type Handlers = HandlerGroup<RequestChannel>;

export function createHandlers(app: AppContext, jobs = new JobRegistry()): Handlers {
  // One mask store (and its cache of decoded heads) for every channel that reads or writes masks.
  const store = new MaskStore(app.workspace);
  return {
    ...createWorkspaceHandlers(app, jobs),
    ...createLabellingHandlers(app, store),
    ...createConsensusHandlers(app, jobs, store),
  };
}
