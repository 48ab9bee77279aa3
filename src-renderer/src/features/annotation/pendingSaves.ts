// Every save queue of this window, so that signing out (and closing the tab) can wait for, or warn about,
// edits not yet saved. A queue leaves the set once it has nothing left to save and its annotation is closed.
import type { SaveQueue } from './saveQueue';

const queues = new Set<SaveQueue>();
let guardInstalled = false;

export function trackQueue(q: SaveQueue): void {
  queues.add(q);
  if (!guardInstalled && typeof window !== 'undefined') {
    guardInstalled = true;
    // The browser asks before leaving while an edit is unsaved (the Electron host saves on its own loop).
    window.addEventListener('beforeunload', (e) => {
      if (unsavedEdits() > 0) e.preventDefault();
    });
  }
}

/** The annotation was closed: forget the queue once it has saved everything. */
export function releaseQueue(q: SaveQueue): void {
  void q.idle().then(() => queues.delete(q));
}

export function unsavedEdits(): number {
  let n = 0;
  for (const q of queues) n += q.pending;
  return n;
}

/** Resolves when every queue has saved everything it holds. */
export async function whenAllSaved(): Promise<void> {
  await Promise.all([...queues].map((q) => q.idle()));
}
