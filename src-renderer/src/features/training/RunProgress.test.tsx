// @vitest-environment jsdom
// RunProgress in jsdom: the contract's 0-based epoch and batch numbers shown 1-based, the bar's fraction,
// ETA while running, Cancel while running and Resume (with "to epoch") only for a resumable run.
import { act } from 'react';
import type { Root } from 'react-dom/client';
import { createRoot } from 'react-dom/client';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunDetail, TrainingProgressEvent } from '@contract';
import { RunProgress } from './RunProgress';

const RUN: RunDetail = {
  id: 7,
  projectId: 1,
  status: 'running',
  target: 'vote',
  config: {},
  backend: 'cpu',
  backendDevice: 'JavaScript',
  baseModelId: null,
  modelId: null,
  epochs: 10,
  members: 1,
  refit: false,
  semiSupervised: false,
  labelRounds: 0,
  epochsDone: 2,
  split: { train: [1, 2], validation: [3] },
  error: null,
  createdBy: 'Dr A',
  createdAt: '2026-01-01T00:00:00Z',
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: null,
  trainSeconds: 12,
  resumable: false,
  backendUnavailable: [],
  metrics: [],
  caseDice: {},
  trainingData: {},
  log: '',
};
const BATCH: TrainingProgressEvent = {
  runId: 7,
  kind: 'batch',
  epoch: 2,
  epochs: 10,
  batch: 1,
  batches: 4,
  loss: 0.5,
  imagesPerSecond: 12.5,
  elapsedSeconds: 30,
  etaSeconds: 125,
};

let host: HTMLDivElement;
let root: Root;
beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});
beforeEach(() => {
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

const byId = (id: string): HTMLElement | null => host.querySelector(`[data-testid="${id}"]`);

describe('RunProgress', () => {
  it('shows the epoch and batch being trained 1-based, the fraction done and the ETA', () => {
    const onCancel = vi.fn();
    act(() =>
      root.render(
        <RunProgress run={RUN} progress={BATCH} busy={false} onCancel={onCancel} onResume={vi.fn()} />,
      ),
    );
    expect(byId('run-epoch')!.textContent).toBe('Epoch 3 / 10');
    expect(byId('run-batch')!.textContent).toBe('batch 2 / 4');
    // 2 epochs done + 2 of 4 batches of the third = 2.5 of 10.
    expect(host.querySelector('progress')!.value).toBeCloseTo(0.25);
    expect(byId('run-progress')!.dataset['epoch']).toBe('2');
    expect(byId('run-eta')!.textContent).toBe('ETA 2 min 05 s');
    expect(byId('run-resume')).toBeNull();
    act(() => byId('run-cancel')!.click());
    expect(onCancel).toHaveBeenCalledOnce();
  });

  it('counts an epoch event as that epoch done', () => {
    const ev = { ...BATCH, kind: 'epoch' as const, batch: 3, validationDice: 0.7 };
    act(() =>
      root.render(<RunProgress run={RUN} progress={ev} busy={false} onCancel={vi.fn()} onResume={vi.fn()} />),
    );
    expect(byId('run-progress')!.dataset['epoch']).toBe('3');
    expect(host.querySelector('progress')!.value).toBeCloseTo(0.3);
  });

  it('offers Resume for a cancelled run with a checkpoint, to the epochs typed', () => {
    const onResume = vi.fn();
    const run = { ...RUN, status: 'cancelled' as const, resumable: true };
    act(() =>
      root.render(
        <RunProgress run={run} progress={BATCH} busy={false} onCancel={vi.fn()} onResume={onResume} />,
      ),
    );
    expect(byId('run-cancel')).toBeNull();
    expect(byId('run-eta')).toBeNull();
    expect(byId('run-epoch')!.textContent).toBe('Epoch 2 / 10');
    const input = byId('resume-epochs') as HTMLInputElement;
    act(() => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, '14');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    act(() => byId('run-resume')!.click());
    expect(onResume).toHaveBeenCalledWith(14);
  });

  it('gives a short completed run its mean speed and its training time', () => {
    const run: RunDetail = {
      ...RUN,
      status: 'completed',
      epochs: 1,
      epochsDone: 1,
      trainSeconds: 0.73,
      metrics: [
        { epoch: 0, loss: 1.6, validationDice: 0, seconds: 0.73, imagesPerSecond: 65.8, learningRate: 1e-3 },
      ],
    };
    act(() =>
      root.render(
        <RunProgress run={run} progress={null} busy={false} onCancel={vi.fn()} onResume={vi.fn()} />,
      ),
    );
    expect(byId('run-progress')!.textContent).toMatch(/66 img\/s/);
    expect(byId('run-progress')!.textContent).toContain('trained under 1 s');
  });

  it('a refitting run says which phase trains, and resumes to its plan only', () => {
    const run = { ...RUN, refit: true, epochs: 20 };
    const at = (epoch: number) => ({ ...BATCH, epoch, epochs: 20 });
    act(() =>
      root.render(
        <RunProgress run={run} progress={at(9)} busy={false} onCancel={vi.fn()} onResume={vi.fn()} />,
      ),
    );
    expect(byId('run-phase')!.textContent).toBe('validated training');
    act(() =>
      root.render(
        <RunProgress run={run} progress={at(10)} busy={false} onCancel={vi.fn()} onResume={vi.fn()} />,
      ),
    );
    expect(byId('run-phase')!.textContent).toBe('again on every case');
    const stopped = { ...run, status: 'cancelled' as const, resumable: true, epochsDone: 12 };
    act(() =>
      root.render(
        <RunProgress run={stopped} progress={null} busy={false} onCancel={vi.fn()} onResume={vi.fn()} />,
      ),
    );
    expect(byId('run-resume')!.textContent).toBe('Resume after epoch 12');
    expect(byId('resume-epochs')).toBeNull();
    act(() =>
      root.render(
        <RunProgress run={RUN} progress={BATCH} busy={false} onCancel={vi.fn()} onResume={vi.fn()} />,
      ),
    );
    expect(byId('run-phase')).toBeNull();
  });

  it('offers no Resume for a cancelled run without a checkpoint', () => {
    const run = { ...RUN, status: 'cancelled' as const, resumable: false };
    act(() =>
      root.render(
        <RunProgress run={run} progress={null} busy={false} onCancel={vi.fn()} onResume={vi.fn()} />,
      ),
    );
    expect(byId('run-resume')).toBeNull();
  });
});
