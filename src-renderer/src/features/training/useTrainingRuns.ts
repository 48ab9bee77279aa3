// The project's training runs (training:list), the selected run's detail (training:get: metrics, log,
// per-case Dice) and its live progress (training:progress / training:status events, sent to every
// signed-in window). The log is not pushed, so while a run is running its detail is also read again every
// few seconds; that also brings a window that signed in or reloaded mid-run up to date.
// Epochs travel 0-based (the contract's EpochMetrics and events); the chart numbers them from 1.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { RunDetail, RunInfo, TrainingProgressEvent, TrainingStartRequest } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { type ChartPoint, mergePoints } from './chartGeometry';

/** How often a running run's detail is read again (ms). */
const POLL_MS = 2500;

export interface TrainingRuns {
  runs: RunInfo[];
  selected: RunDetail | null;
  selectedId: number | null;
  /** The latest batch/epoch event of the selected run while it runs. */
  progress: TrainingProgressEvent | null;
  /** The last progress event of any run (the run list shows a running run's epochs from it). */
  latest: TrainingProgressEvent | null;
  /** Loss and validation Dice per epoch of the selected run (stored epochs and live ones merged). */
  points: ChartPoint[];
  error: string | null;
  busy: boolean;
  select(runId: number | null): void;
  start(req: TrainingStartRequest): Promise<void>;
  cancel(runId: number): Promise<void>;
  resume(runId: number, epochs?: number): Promise<void>;
  refresh(): void;
}

export function useTrainingRuns(projectId: number | null): TrainingRuns {
  const [runs, setRuns] = useState<RunInfo[]>([]);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [detail, setDetail] = useState<RunDetail | null>(null);
  const [progress, setProgress] = useState<TrainingProgressEvent | null>(null);
  const [live, setLive] = useState<{ runId: number; points: ChartPoint[] }>({ runId: -1, points: [] });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [tick, setTick] = useState(0);
  const refresh = useCallback(() => setTick((n) => n + 1), []);

  // The list, read again on every status change and refresh.
  useEffect(() => {
    if (projectId === null) return;
    let alive = true;
    call(getBridge().invoke('training:list', { projectId }))
      .then((r) => {
        if (!alive) return;
        const sorted = [...r].sort((a, b) => b.id - a.id);
        setRuns(sorted);
        setSelectedId((id) =>
          id !== null && sorted.some((x) => x.id === id) ? id : (sorted[0]?.id ?? null),
        );
      })
      .catch((e: Error) => alive && setError(e.message));
    return () => {
      alive = false;
    };
  }, [projectId, tick]);

  // The selected run's detail; polled while it runs.
  const selectedStatus = runs.find((r) => r.id === selectedId)?.status ?? null;
  useEffect(() => {
    if (selectedId === null) return;
    let alive = true;
    let timer: number | undefined;
    const read = (): void => {
      call(getBridge().invoke('training:get', { runId: selectedId }))
        .then((d) => {
          if (!alive) return;
          setDetail(d);
          if (d.status === 'running') timer = window.setTimeout(read, POLL_MS);
          else if (selectedStatus === 'running') refresh(); // finished meanwhile: the list too
        })
        .catch((e: Error) => alive && setError(e.message));
    };
    read();
    return () => {
      alive = false;
      window.clearTimeout(timer);
    };
  }, [selectedId, selectedStatus, tick, refresh]);

  // Live events: progress of any run of ours, status changes re-read the list.
  useEffect(() => {
    const bridge = getBridge();
    const offProgress = bridge.on('training:progress', (e) => {
      setProgress((p) =>
        p && p.runId === e.runId && p.kind === 'epoch' && e.kind === 'batch' && e.epoch <= p.epoch ? p : e,
      );
      if (e.kind === 'epoch') {
        const point: ChartPoint = {
          epoch: e.epoch + 1,
          loss: e.loss,
          validationDice: e.validationDice ?? null,
          ...(e.labelDice ? { labelDice: e.labelDice } : {}),
        };
        setLive((l) =>
          l.runId === e.runId
            ? { runId: e.runId, points: mergePoints(l.points, [point]) }
            : { runId: e.runId, points: [point] },
        );
      }
    });
    const offStatus = bridge.on('training:status', () => refresh());
    return () => {
      offProgress();
      offStatus();
    };
  }, [refresh]);

  const selected = detail && detail.id === selectedId ? detail : null;
  const points = useMemo(() => {
    const stored: ChartPoint[] = (selected?.metrics ?? []).map((m) => ({
      epoch: m.epoch + 1,
      loss: m.loss,
      validationDice: m.validationDice,
    }));
    return live.runId === selectedId ? mergePoints(stored, live.points) : stored;
  }, [selected, live, selectedId]);

  const act = useCallback(
    async (what: () => Promise<RunInfo | null>) => {
      setBusy(true);
      setError(null);
      try {
        const run = await what();
        if (run) {
          setSelectedId(run.id);
          setProgress(null);
          setLive({ runId: run.id, points: [] });
        }
        refresh();
      } catch (e) {
        setError((e as Error).message);
      } finally {
        setBusy(false);
      }
    },
    [refresh],
  );

  return {
    runs,
    selected,
    selectedId,
    progress: progress && progress.runId === selectedId && selected?.status === 'running' ? progress : null,
    latest: progress,
    points,
    error,
    busy,
    select: setSelectedId,
    start: (req) => act(() => call(getBridge().invoke('training:start', req))),
    cancel: (runId) =>
      act(async () => {
        await call(getBridge().invoke('training:cancel', { runId }));
        return null;
      }),
    resume: (runId, epochs) =>
      act(() =>
        call(getBridge().invoke('training:resume', epochs === undefined ? { runId } : { runId, epochs })),
      ),
    refresh,
  };
}
