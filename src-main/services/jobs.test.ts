// A job belongs to the window that started it and the profile signed in there: another window (signed in
// or not, guessing the id) cannot cancel it, and the same id in two windows names two jobs.
import { describe, expect, it } from 'vitest';
import type { AnnotatorInfo } from '../core/model';
import type { CallContext } from './context';
import { JobRegistry } from './jobs';

const profile = (id: number): AnnotatorInfo => ({
  id,
  uid: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
  name: `P${id}`,
  role: 'reviewer',
  createdAt: '',
  hasPassword: true,
});
const windowAs = (id: number | null): CallContext =>
  ({ session: { annotator: id === null ? null : profile(id) } }) as unknown as CallContext;

/** Starts a job that runs until its signal aborts; resolves 'aborted' then. */
function start(jobs: JobRegistry, ctx: CallContext, id: string): Promise<string> {
  return jobs.run(
    ctx,
    id,
    (signal) => new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('aborted'))),
  );
}

describe('JobRegistry', () => {
  it("cancels only the caller's own job, as the profile that started it", async () => {
    const jobs = new JobRegistry();
    const a = windowAs(1);
    const done = start(jobs, a, 'import-1');
    expect(jobs.cancel(windowAs(2), 'import-1')).toBe(false);
    expect(jobs.cancel(windowAs(null), 'import-1')).toBe(false);
    a.session.annotator = profile(3); // the window signed in as someone else meanwhile
    expect(jobs.cancel(a, 'import-1')).toBe(false);
    a.session.annotator = profile(1);
    expect(jobs.cancel(a, 'import-1')).toBe(true);
    await expect(done).resolves.toBe('aborted');
  });

  it('keeps ids apart per window: the same id in two windows is two jobs', async () => {
    const jobs = new JobRegistry();
    const a = windowAs(1);
    const b = windowAs(2);
    const ja = start(jobs, a, 'j');
    const jb = start(jobs, b, 'j');
    await expect(start(jobs, a, 'j')).rejects.toThrow(/already running/);
    expect(jobs.cancel(b, 'j')).toBe(true);
    await expect(jb).resolves.toBe('aborted');
    jobs.cancelAll();
    await expect(ja).resolves.toBe('aborted');
  });
});
