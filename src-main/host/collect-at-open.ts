// Blob collection when an app host opens its workspace (Electron and `concord serve`): scheduled a few
// seconds after start, so that it never delays the first window, and never fatal (a failure is logged).
import { collectBlobGarbage } from '../workspace/blob-gc';
import type { Workspace } from '../workspace/workspace';

/** Delay after start before the collection runs (ms). */
const AFTER_START_MS = 10_000;

/** Schedules one collection; returns a function that cancels it (call when the workspace closes first). */
export function collectBlobsSoon(ws: Workspace, actor: string, log: (line: string) => void): () => void {
  const timer = setTimeout(() => {
    try {
      const r = collectBlobGarbage(ws, { actor });
      if (r.removed.length > 0) {
        log(
          `Removed ${r.removed.length} unreferenced blob file(s) (${(r.removedBytes / 2 ** 20).toFixed(1)} MiB) ` +
            `left by interrupted saves`,
        );
      }
    } catch (e) {
      log(
        `blob collection failed (nothing is lost; it runs again at the next start): ${(e as Error).message}`,
      );
    }
  }, AFTER_START_MS);
  timer.unref();
  return () => clearTimeout(timer);
}
