// The shape of main's implementation of the contract: one function per request channel, grouped by
// feature. Feature handler modules and the assembly (handlers.ts) both import these, so no feature imports
// the module that imports it.
import type { Req, RequestChannel, Res } from '../../src-preload/contract';
import type { CallContext } from './context';

export type Handler<C extends RequestChannel> = (req: Req<C>, ctx: CallContext) => Promise<Res<C>> | Res<C>;

/** The handlers of a subset of channels (one feature). */
export type HandlerGroup<C extends RequestChannel> = { [K in C]: Handler<K> };

export type Handlers = HandlerGroup<RequestChannel>;
