// Autosave state in the top bar: saved (with the time), saving (n edits), error (retrying, with a retry
// button), conflict (being resolved).
import type { SaveState } from './saveQueue';

export function SaveIndicator({ save, onRetry }: { save: SaveState | null; onRetry(): void }) {
  if (!save) return null;
  const text =
    save.status === 'saved'
      ? save.lastSavedAt
        ? `Saved ${new Date(save.lastSavedAt).toLocaleTimeString()}`
        : 'Saved'
      : save.status === 'saving'
        ? `Saving ${save.pending} edit${save.pending === 1 ? '' : 's'}…`
        : save.status === 'conflict'
          ? 'Changed elsewhere: reloading…'
          : `Not saved (${save.pending} edit${save.pending === 1 ? '' : 's'} kept)`;
  return (
    <span
      className={`save-state save-${save.status}`}
      data-testid="save-state"
      data-status={save.status}
      data-pending={save.pending}
      data-head={save.head ?? ''}
      title={save.message ?? undefined}
      role="status"
    >
      {text}
      {save.status === 'error' && (
        <>
          <span className="save-why">{save.message}</span>
          <button type="button" className="link" onClick={onRetry}>
            Retry now
          </button>
        </>
      )}
    </span>
  );
}
