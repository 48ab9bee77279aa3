// How the last import ended: its message, each file not imported with its one-line reason, and the notes
// (images already imported).
import { useEscape } from '../../app/useEscape';
import type { Outcome } from './useImportJob';

export function ImportOutcome({ outcome, onDismiss }: { outcome: Outcome; onDismiss(): void }) {
  useEscape(onDismiss);
  return (
    <div
      className={outcome.ok ? 'import-result ok' : 'import-result error'}
      data-testid="import-status"
      role="status"
    >
      <span>{outcome.message}</span>
      {outcome.refused && outcome.refused.length > 0 && (
        <details open data-testid="import-refused">
          <summary>{outcome.refused.length} not imported</summary>
          <ul>
            {outcome.refused.map((f) => (
              <li key={f.file} data-testid="import-refused-file">
                <b>{f.file}</b>: {f.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      {outcome.skipped.length > 0 && (
        <details>
          <summary>{outcome.skipped.length} already imported</summary>
          <ul>
            {outcome.skipped.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </details>
      )}
      <button type="button" className="link" onClick={onDismiss} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
