// Long-running jobs (import, consensus, inference, uncertainty ranking), each with an AbortController so
// that it can be cancelled. A job belongs to the window or connection (CallContext) that started it and to
// the profile signed in there at the time: only that window, still signed in as that profile, may cancel
// it. Job ids are the caller's choice, so they are scoped to the caller too: two windows may use the same
// id without meeting, and another window guessing an id reaches nothing.
import { InputError } from '../core/errors';
import type { CallContext } from './context';

interface Job {
  controller: AbortController;
  /** The profile signed in when the job started (null: signed out, e.g. a CLI or first-run import). */
  profileId: number | null;
}

const profileOf = (ctx: CallContext): number | null => ctx.session.annotator?.id ?? null;

export class JobRegistry {
  private readonly running = new Map<CallContext, Map<string, Job>>();

  async run<T>(ctx: CallContext, jobId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let mine = this.running.get(ctx);
    if (mine?.has(jobId)) throw new InputError(undefined, `job ${jobId} is already running`);
    if (!mine) this.running.set(ctx, (mine = new Map()));
    const controller = new AbortController();
    mine.set(jobId, { controller, profileId: profileOf(ctx) });
    try {
      return await work(controller.signal);
    } finally {
      mine.delete(jobId);
      if (mine.size === 0 && this.running.get(ctx) === mine) this.running.delete(ctx);
    }
  }

  /** Cancels the caller's own job; false when it has none by that id (another window's is never touched). */
  cancel(ctx: CallContext, jobId: string): boolean {
    const job = this.running.get(ctx)?.get(jobId);
    if (!job || job.profileId !== profileOf(ctx)) return false;
    job.controller.abort();
    return true;
  }

  cancelAll(): void {
    for (const jobs of this.running.values()) for (const job of jobs.values()) job.controller.abort();
  }
}
