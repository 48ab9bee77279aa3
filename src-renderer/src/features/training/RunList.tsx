// The project's runs, newest first: pick one to see its chart, progress and log.
import type { RunInfo } from '@contract';
import { targetText } from './runFormat';

interface Props {
  runs: RunInfo[];
  selectedId: number | null;
  onSelect(id: number): void;
}

export function RunList({ runs, selectedId, onSelect }: Props) {
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
            {targetText(r.target)} · {r.epochsDone}/{r.epochs} ep.{r.backend ? ` · ${r.backend}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}
