// A consensus job (compare, merge, agreement map) run in main's worker: one at a time per hook, its
// progress from 'consensus:progress' (fraction 0..1 and stage) and cancel ('consensus:cancel'; the job then
// answers 'cancelled', shown as "Cancelled." rather than as an error).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Req, Res, Result } from '@contract';
import { getBridge } from '../../api/bridge';

type JobChannel = 'consensus:compare' | 'consensus:merge' | 'consensus:agreement';

export interface JobState {
  jobId: string;
  /** What is running, for the progress line ("Comparing raters…"). */
  what: string;
  fraction: number;
  stage: string;
}

export interface ConsensusJob {
  running: JobState | null;
  /** The last job's failure (one line), "Cancelled." after a cancel, or null. */
  message: string | null;
  /** Runs the request; resolves to its value, or null when it failed or was cancelled (see message). */
  run<C extends JobChannel>(channel: C, what: string, req: Omit<Req<C>, 'jobId'>): Promise<Res<C> | null>;
  cancel(): void;
  clearMessage(): void;
}

let jobCounter = 0;

/**
 * `raters`: the reviewer's ticked rater set (annotation ids) sent with every request that names none; null
 * for main's default set (the submitted manual annotations).
 */
export function useConsensusJob(raters: readonly number[] | null = null): ConsensusJob {
  const [running, setRunning] = useState<JobState | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const current = useRef<string | null>(null);
  const chosen = useRef(raters);
  useEffect(() => {
    chosen.current = raters;
  }, [raters]);

  useEffect(
    () =>
      getBridge().on('consensus:progress', (p) => {
        if (p.jobId !== current.current) return;
        setRunning((r) => (r && r.jobId === p.jobId ? { ...r, fraction: p.fraction, stage: p.stage } : r));
      }),
    [],
  );

  const run = useCallback(
    async <C extends JobChannel>(
      channel: C,
      what: string,
      req: Omit<Req<C>, 'jobId'>,
    ): Promise<Res<C> | null> => {
      const jobId = `${channel}-${Date.now().toString(36)}-${++jobCounter}`;
      current.current = jobId;
      setMessage(null);
      setRunning({ jobId, what, fraction: 0, stage: 'starting' });
      let r: Result<Res<C>>;
      try {
        const set = chosen.current && !('annotationIds' in req) ? { annotationIds: [...chosen.current] } : {};
        r = await getBridge().invoke(channel, { ...req, ...set, jobId } as Req<C>);
      } catch (e) {
        r = { ok: false, error: { code: 'internal', message: (e as Error).message } };
      }
      if (current.current === jobId) {
        current.current = null;
        setRunning(null);
      }
      if (r.ok) return r.value;
      setMessage(r.error.code === 'cancelled' ? 'Cancelled.' : r.error.message);
      return null;
    },
    [],
  );

  const cancel = useCallback(() => {
    const jobId = current.current;
    if (jobId) void getBridge().invoke('consensus:cancel', { jobId });
  }, []);

  return { running, message, run, cancel, clearMessage: useCallback(() => setMessage(null), []) };
}
