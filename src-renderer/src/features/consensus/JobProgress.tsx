// The progress line of a running consensus job, with Cancel; or the last job's message.
import type { ConsensusJob } from './useConsensusJob';

export function JobProgress({ job, testId }: { job: ConsensusJob; testId: string }) {
  const r = job.running;
  if (r) {
    return (
      <div className="cs-progress" data-testid={`${testId}-progress`} role="status">
        <span>
          {r.what} {Math.round(r.fraction * 100)}% <span className="muted">({r.stage})</span>
        </span>
        <progress max={1} value={r.fraction} />
        <button type="button" data-testid={`${testId}-cancel`} onClick={job.cancel}>
          Cancel
        </button>
      </div>
    );
  }
  if (!job.message) return null;
  return (
    <p
      className={job.message === 'Cancelled.' ? 'muted' : 'error'}
      data-testid={`${testId}-message`}
      role="alert"
    >
      {job.message}
    </p>
  );
}
