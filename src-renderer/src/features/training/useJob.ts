// A long request that reports inference:progress under a job id and can be cancelled (inference:run,
// activeLearning:rank): runs it, follows its progress, cancels it.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { InferenceProgressEvent } from '@contract';
import { getBridge } from '../../api/bridge';

export interface Job {
  jobId: string | null;
  progress: InferenceProgressEvent | null;
  run<T>(start: (jobId: string) => Promise<T>): Promise<T>;
  cancel(): void;
}

let counter = 0;
const newJobId = (kind: string): string => `${kind}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** Fraction done of an inference job, 0..1: whole items plus the current item's slices. An event is sent
 *  after axial slice `slice` (0-based) of item `item` (0-based) is done. */
export function jobFraction(p: InferenceProgressEvent | null): number {
  if (!p || p.items <= 0) return 0;
  const inItem = p.slices > 0 ? Math.min(1, (p.slice + 1) / p.slices) : 0;
  return Math.min(1, (p.item + inItem) / p.items);
}

export function useJob(kind: string): Job {
  const [jobId, setJobId] = useState<string | null>(null);
  const [progress, setProgress] = useState<InferenceProgressEvent | null>(null);
  const current = useRef<string | null>(null);
  useEffect(
    () =>
      getBridge().on('inference:progress', (e) => {
        if (e.jobId === current.current) setProgress(e);
      }),
    [],
  );
  const run = useCallback(
    async <T>(start: (jobId: string) => Promise<T>): Promise<T> => {
      const id = newJobId(kind);
      current.current = id;
      setJobId(id);
      setProgress(null);
      try {
        return await start(id);
      } finally {
        if (current.current === id) {
          current.current = null;
          setJobId(null);
        }
      }
    },
    [kind],
  );
  const cancel = useCallback(() => {
    const id = current.current;
    if (id) void getBridge().invoke('inference:cancel', { jobId: id });
  }, []);
  return { jobId, progress, run, cancel };
}
