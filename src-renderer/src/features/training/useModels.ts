// The model registry as the UI sees it: every model (trained here or imported), read again when asked
// (a run finished, an import) — model:list without a project lists the workstation's models.
import { useCallback, useEffect, useState } from 'react';
import type { ModelInfo } from '../../../../src-preload/contract';
import { call, getBridge } from '../../api/bridge';

export interface Models {
  models: ModelInfo[];
  error: string | null;
  refresh(): void;
}

export function useModels(refreshKey: string | number): Models {
  const [models, setModels] = useState<ModelInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    call(getBridge().invoke('model:list', {}))
      .then((m) => {
        if (!alive) return;
        setModels([...m].sort((a, b) => b.id - a.id));
        setError(null);
      })
      .catch((e: Error) => alive && setError(e.message));
    return () => {
      alive = false;
    };
  }, [refreshKey, tick]);
  return { models, error, refresh: useCallback(() => setTick((n) => n + 1), []) };
}
