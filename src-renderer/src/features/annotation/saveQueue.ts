// Autosave: every finished edit is committed at once as a new revision whose parent is the head we know
// (annotation:commit). Commits go one at a time, in order. Nothing is dropped:
//  - a failure (connection lost, host busy, a disk error) keeps the edit queued and retries after 1, 2, 4 …
//    up to 15 s, showing "error: retrying";
//  - a 'conflict' (the head moved: another window saved first) pauses the queue and asks the owner to
//    reload the head and re-base the queued edits on it (rebase()), then goes on.
// No DOM here (timers are injected): tested in Node.

import type { EditResult } from '@core/labelling/patch';
import type { MaskPatch, Result, RevisionInfo } from '@contract';

export interface QueuedEdit {
  tool: string;
  /** Labels of the box after the edit (what is committed). */
  patch: MaskPatch;
  /** Labels of the box before it (to re-base the edit after a conflict). */
  inverse: MaskPatch;
}

export type SaveStatus = 'saved' | 'saving' | 'error' | 'conflict';

export interface SaveState {
  status: SaveStatus;
  /** Edits not yet saved (the one being saved included). */
  pending: number;
  /** The head revision as far as this window knows. */
  head: number | null;
  /** The last error, while status is 'error' or 'conflict'. */
  message: string | null;
  lastSavedAt: string | null;
}

export interface SaveQueueDeps {
  commit(req: {
    annotationId: number;
    parentRevisionId: number | null;
    tool: string;
    patch: MaskPatch;
  }): Promise<Result<RevisionInfo>>;
  /** The head moved: reload it, re-base `pending` on it, and call rebase(). */
  onConflict(pending: readonly QueuedEdit[], message: string): void;
  onState(state: SaveState): void;
  setTimer?(fn: () => void, ms: number): unknown;
  clearTimer?(handle: unknown): void;
}

const RETRY_MS = [1000, 2000, 4000, 8000, 15000];

export class SaveQueue {
  readonly annotationId: number;
  private readonly deps: SaveQueueDeps;
  private queue: QueuedEdit[] = [];
  private head: number | null;
  private running = false;
  private paused = false;
  private failures = 0;
  private retryTimer: unknown = null;
  private closed = false;
  private state: SaveState;
  private idleWaiters: (() => void)[] = [];
  /** Revisions this window saved (to tell its own annotation:changed events from others'). */
  readonly saved = new Set<number>();

  constructor(annotationId: number, head: number | null, deps: SaveQueueDeps) {
    this.annotationId = annotationId;
    this.head = head;
    this.deps = deps;
    this.state = { status: 'saved', pending: 0, head, message: null, lastSavedAt: null };
  }

  get headRevisionId(): number | null {
    return this.head;
  }

  get pending(): number {
    return this.queue.length;
  }

  get current(): SaveState {
    return this.state;
  }

  enqueue(tool: string, edit: Pick<EditResult, 'patch' | 'inverse'>): void {
    if (this.closed) return;
    this.queue.push({ tool, patch: edit.patch, inverse: edit.inverse });
    this.publish(this.paused ? 'conflict' : 'saving', this.state.message);
    void this.pump();
  }

  /** After a conflict: the new head and the queued edits re-based on it; saving goes on. */
  rebase(head: number | null, edits: QueuedEdit[]): void {
    this.head = head;
    this.queue = edits;
    this.paused = false;
    this.failures = 0;
    this.publish(edits.length ? 'saving' : 'saved', null);
    void this.pump();
  }

  /** The head changed outside this queue with nothing pending (a revert, a reload). */
  setHead(head: number | null): void {
    this.head = head;
    if (head !== null) this.saved.add(head);
    this.publish(this.queue.length ? this.state.status : 'saved', null);
  }

  /** Retries now (the user pressed "retry"). */
  retryNow(): void {
    this.cancelTimer();
    void this.pump();
  }

  private cancelTimer(): void {
    if (this.retryTimer === null) return;
    if (this.deps.clearTimer) this.deps.clearTimer(this.retryTimer);
    else clearTimeout(this.retryTimer as ReturnType<typeof setTimeout>);
    this.retryTimer = null;
  }

  /** Resolves when nothing is queued (or immediately). */
  idle(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops scheduling; edits still queued stay in `pendingEdits()` for the caller to keep or report. */
  close(): void {
    this.closed = true;
    this.cancelTimer();
  }

  pendingEdits(): readonly QueuedEdit[] {
    return this.queue;
  }

  private publish(status: SaveStatus, message: string | null): void {
    this.state = {
      status,
      pending: this.queue.length,
      head: this.head,
      message,
      lastSavedAt: this.state.lastSavedAt,
    };
    this.deps.onState(this.state);
  }

  private async pump(): Promise<void> {
    if (this.running || this.paused || this.closed || this.retryTimer !== null) return;
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.paused && !this.closed) {
        const edit = this.queue[0]!;
        let r: Result<RevisionInfo>;
        try {
          r = await this.deps.commit({
            annotationId: this.annotationId,
            parentRevisionId: this.head,
            tool: edit.tool,
            patch: edit.patch,
          });
        } catch (e) {
          r = { ok: false, error: { code: 'internal', message: (e as Error).message } };
        }
        if (this.closed) return;
        if (r.ok) {
          this.queue.shift();
          this.head = r.value.id;
          this.saved.add(r.value.id);
          this.failures = 0;
          this.state = { ...this.state, lastSavedAt: r.value.createdAt };
          this.publish(this.queue.length ? 'saving' : 'saved', null);
          continue;
        }
        if (r.error.code === 'conflict') {
          this.paused = true;
          this.publish('conflict', r.error.message);
          this.deps.onConflict([...this.queue], r.error.message);
          return;
        }
        // Anything else: keep the edit and try again later.
        const wait = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)]!;
        this.failures++;
        this.publish('error', `${r.error.message} — retrying in ${Math.round(wait / 1000)} s`);
        const set = this.deps.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
        this.retryTimer = set(() => {
          this.retryTimer = null;
          void this.pump();
        }, wait);
        return;
      }
    } finally {
      this.running = false;
      if (this.queue.length === 0) {
        for (const w of this.idleWaiters.splice(0)) w();
      }
    }
  }
}
