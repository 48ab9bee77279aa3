// The project's runs, newest first: pick one to see its chart, progress and log.
import type { RunInfo, TrainingProgressEvent } from '@contract';
import { refitPlan, targetText } from './runFormat';

interface Props {
  runs: RunInfo[];
  selectedId: number | null;
  onSelect(id: number): void;
  /** The last progress event of a run: a running run's epochs come from it, not from the last re-read. */
  latest?: TrainingProgressEvent | null;
}

/** Epochs done of a run: for a running run, as its last progress event says (events count from 0). */
function epochsDone(r: RunInfo, latest: TrainingProgressEvent | null | undefined): number {
  if (r.status !== 'running' || !latest || latest.runId !== r.id) return r.epochsDone;
  return Math.max(r.epochsDone, latest.kind === 'epoch' ? latest.epoch + 1 : latest.epoch);
}

export function RunList({ runs, selectedId, onSelect, latest }: Props) {
  if (runs.length === 0) return <p className="muted">No training runs in this project yet.</p>;
  return (
    <ul className="run-list" data-testid="run-list">
      {runs.map((r) => (
        <li key={r.id} className={r.id === selectedId ? 'selected' : undefined}>
          <button
            type="button"
            className="link"
            data-testid={`run-${r.id}`}
            data-status={r.status}
            onClick={() => onSelect(r.id)}
          >
            Run {r.id}
          </button>
          <span className={`run-status status-${r.status}`}>{r.status}</span>
          <span className="muted">
            {targetText(r.target)} · {epochsDone(r, latest)} of {r.epochs} epochs
            {r.members > 1 ? ` (${r.members} networks)` : ''}
            {r.refit ? refitPlan(r.epochs, r.labelRounds) : ''}
            {r.backend ? ` · ${r.backend}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}
