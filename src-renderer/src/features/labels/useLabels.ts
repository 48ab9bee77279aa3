// The project's labels (label:list) and saving one (label:save), reloaded when the project changes.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { LabelInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { labelTable } from '@core/labelling/mask-layer';

export interface ProjectLabels {
  labels: LabelInfo[];
  /** Colour table of the labels for the own mask (see src-main/core/labelling/mask-layer.ts). */
  lut: Uint32Array;
  error: string | null;
  save(label: Omit<LabelInfo, 'id'>): Promise<LabelInfo>;
  /** Shows a change at once without saving it (an opacity slider being dragged). */
  preview(value: number, patch: Partial<LabelInfo>): void;
}

const NONE: LabelInfo[] = [];

export function useLabels(projectId: number | null, signedIn: boolean): ProjectLabels {
  // Tagged with the project they belong to: another project's labels read as "none yet".
  const [state, setState] = useState<{ projectId: number | null; labels: LabelInfo[]; error: string | null }>(
    { projectId: null, labels: NONE, error: null },
  );
  const wanted = signedIn ? projectId : null;
  useEffect(() => {
    if (wanted === null) return;
    let live = true;
    call(getBridge().invoke('label:list', { projectId: wanted }))
      .then((labels) => live && setState({ projectId: wanted, labels, error: null }))
      .catch((e: Error) => live && setState({ projectId: wanted, labels: NONE, error: e.message }));
    return () => {
      live = false;
    };
  }, [wanted]);
  const save = useCallback(async (label: Omit<LabelInfo, 'id'>) => {
    const saved = await call(getBridge().invoke('label:save', label));
    setState((s) =>
      s.projectId !== saved.projectId
        ? s
        : {
            ...s,
            labels: [...s.labels.filter((l) => l.value !== saved.value), saved].sort(
              (a, b) => a.value - b.value,
            ),
          },
    );
    return saved;
  }, []);
  const preview = useCallback((value: number, patch: Partial<LabelInfo>) => {
    setState((s) => ({ ...s, labels: s.labels.map((l) => (l.value === value ? { ...l, ...patch } : l)) }));
  }, []);
  const current = state.projectId === wanted && wanted !== null;
  const labels = current ? state.labels : NONE;
  const lut = useMemo(() => labelTable(labels), [labels]);
  return { labels, lut, error: current ? state.error : null, save, preview };
}
