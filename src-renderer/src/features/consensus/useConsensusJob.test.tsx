// @vitest-environment jsdom
// A consensus job against a fake host bridge: progress events of this job (not another's) update the
// progress line, Cancel asks main to cancel this job id, and a cancelled job ends as "Cancelled." (no value).
import { act, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConsensusProgress, PreloadApi, Result } from '@contract';
import type { ConsensusJob } from './useConsensusJob';
import { useConsensusJob } from './useConsensusJob';

let progress: ((p: ConsensusProgress) => void) | null = null;
let finish: ((r: Result<unknown>) => void) | null = null;
const invoke = vi.fn((channel: string): Promise<Result<unknown>> => {
  if (channel === 'consensus:cancel') {
    finish?.({ ok: false, error: { code: 'cancelled', message: 'cancelled' } });
    return Promise.resolve({ ok: true, value: { cancelled: true } });
  }
  return new Promise((resolve) => {
    finish = resolve;
  });
});

const latest: { current: ConsensusJob | null } = { current: null };
function Harness() {
  const job = useConsensusJob();
  useEffect(() => {
    latest.current = job;
  });
  return null;
}

beforeAll(async () => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  window.concord = {
    invoke,
    on: (_e: string, l: (p: ConsensusProgress) => void) => {
      progress = l;
      return () => undefined;
    },
    appOrigin: '',
    pathForFile: () => '',
  } as unknown as PreloadApi;
  const root = createRoot(document.createElement('div'));
  await act(async () => root.render(<Harness />));
});

describe('consensus job', () => {
  it('follows its own progress, cancels by job id, and ends as "Cancelled."', async () => {
    let result: unknown = 'pending';
    await act(async () => {
      void latest.current!.run('consensus:compare', 'Comparing raters…', { volumeId: 3 }).then((r) => {
        result = r;
      });
    });
    const jobId = latest.current!.running!.jobId;
    expect(invoke).toHaveBeenCalledWith('consensus:compare', { volumeId: 3, jobId });
    await act(async () => {
      progress!({ jobId: 'someone-else', fraction: 0.9, stage: 'staple' });
      progress!({ jobId, fraction: 0.4, stage: 'distances' });
    });
    expect(latest.current!.running).toMatchObject({ fraction: 0.4, stage: 'distances' });
    await act(async () => latest.current!.cancel());
    expect(invoke).toHaveBeenCalledWith('consensus:cancel', { jobId });
    expect(result).toBeNull();
    expect(latest.current!.running).toBeNull();
    expect(latest.current!.message).toBe('Cancelled.');
  });
});
