// The contract over Electron IPC: one ipcMain.handle per request channel, each checking its sender
// before dispatching to the shared handlers. Events go to one window (its own import's progress) or, when
// published, to each window whose signed-in profile may see them (services/identity/event-audience.ts).
import { ipcMain } from 'electron';
import type { WebContents } from 'electron';
import type { CallContext } from '../../services/context';
import type { EventChannel, Events } from '@contract';
import { REQUEST_CHANNELS } from '@contract';
import { dispatch } from '../../services/dispatch';
import type { Services } from '../../services/create-services';
import { isTrustedSender } from './hardening';

const sendTo =
  (contents: WebContents) =>
  <E extends EventChannel>(event: E, payload: Events[E]): void => {
    if (!contents.isDestroyed()) contents.send(event, payload);
  };

export function registerIpc(services: Services): void {
  // One session per window: each window signs in on its own.
  const contexts = new Map<number, CallContext>();
  const contextFor = (contents: WebContents): CallContext => {
    let ctx = contexts.get(contents.id);
    if (!ctx) {
      const created = services.context(sendTo(contents));
      ctx = created;
      contexts.set(contents.id, created);
      contents.once('destroyed', () => {
        contexts.delete(contents.id);
        services.release(created);
      });
    }
    return ctx;
  };
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, (event, req: unknown) => {
      if (!isTrustedSender(event.senderFrame)) {
        return {
          ok: false,
          error: { code: 'bad-input', message: 'request from an untrusted frame refused' },
        };
      }
      return dispatch(services.handlers, channel, req as never, contextFor(event.sender));
    });
  }
}
