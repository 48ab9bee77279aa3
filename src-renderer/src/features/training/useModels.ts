// The model registry as the UI sees it: every model (trained here or imported), newest first — model:list
// without a project lists the workstation's models. A query ('models', per profile): read again when a run
// starts or ends (training:status) and when asked (an import).
import { useCallback, useMemo } from 'react';
import type { ModelInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { invalidateQueries } from '../../api/queries';
import { useQuery } from '../../api/useQuery';

export interface Models {
  models: ModelInfo[];
  error: string | null;
  refresh(): void;
}

const NO_MODELS: ModelInfo[] = [];

export function useModels(profileId: number | null): Models {
  const q = useQuery({
    name: 'models',
    params: { profileId },
    fetch: async () => [...(await call(getBridge().invoke('model:list', {})))].sort((a, b) => b.id - a.id),
  });
  const models = q.data ?? NO_MODELS;
  const refresh = useCallback(() => invalidateQueries('models'), []);
  return useMemo(() => ({ models, error: q.error, refresh }), [models, q.error, refresh]);
}
