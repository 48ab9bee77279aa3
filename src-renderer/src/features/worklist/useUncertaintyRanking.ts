// Active learning in the worklist: the project's unlabelled cases ranked by a model's uncertainty
// (activeLearning:rank, computed in the trainer process with progress and cancel). The last ranking a model
// made is stored, so it is shown at once (activeLearning:stored) and computed only when none is stored or the
// user asks again. The ranking belongs to one (project, model) and is kept until another is asked for.
import { useCallback, useState } from 'react';
import type { UncertaintyRow } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { type Job, useJob } from '../training/useJob';

export interface UncertaintyRanking {
  /** The ranking of (projectId, modelId), or null when none was computed. */
  ranking: { projectId: number; modelId: number; rows: UncertaintyRow[] } | null;
  error: string | null;
  job: Job;
  /** Shows the stored ranking of the model, computing it when there is none or when `fresh`. */
  rank(projectId: number, modelId: number, fresh?: boolean): Promise<void>;
  clear(): void;
}

export function useUncertaintyRanking(): UncertaintyRanking {
  const [ranking, setRanking] = useState<UncertaintyRanking['ranking']>(null);
  const [error, setError] = useState<string | null>(null);
  const job = useJob('rank');
  const { run } = job;
  const rank = useCallback(
    async (projectId: number, modelId: number, fresh = false) => {
      setError(null);
      try {
        if (!fresh) {
          const stored = await call(getBridge().invoke('activeLearning:stored', { projectId, modelId }));
          if (stored.length > 0) {
            setRanking({ projectId, modelId, rows: stored });
            return;
          }
        }
        const rows = await run((jobId) =>
          call(getBridge().invoke('activeLearning:rank', { jobId, projectId, modelId })),
        );
        setRanking({ projectId, modelId, rows });
      } catch (e) {
        setError((e as Error).message);
      }
    },
    [run],
  );
  return { ranking, error, job, rank, clear: useCallback(() => setRanking(null), []) };
}
