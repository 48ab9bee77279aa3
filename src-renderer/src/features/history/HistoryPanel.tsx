// The revisions of the open annotation, newest first (who, when, which tool, voxels per label), with
// "Revert" to make an earlier revision the head again (saved as a new revision; nothing is overwritten).
// Where bundles from two workstations continued the same revision, the history forked: both branches are
// kept, each revision names the one it continues, and a banner offers the branch tips to pick the head
// from (a revert to the tip; keeping the head is a revert to it).
import { useEffect, useState } from 'react';
import type { RevisionInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { forksOf } from './forks';

interface Props {
  annotationId: number | null;
  /** The head as this window knows it: the list is read again when it moves. */
  head: number | null;
  onRevert(revisionId: number): Promise<void>;
}

function voxels(r: RevisionInfo): string {
  const parts = Object.entries(r.labelVoxels)
    .filter(([v]) => v !== '0')
    .map(([v, n]) => `${v}: ${n.toLocaleString()}`);
  return parts.length ? parts.join(', ') : 'empty';
}

export function HistoryPanel({ annotationId, head, onRevert }: Props) {
  // Tagged with the annotation they belong to, so another annotation's list never shows.
  const [state, setState] = useState<{ id: number | null; list: RevisionInfo[]; error: string | null }>({
    id: null,
    list: [],
    error: null,
  });
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (annotationId === null) return;
    let live = true;
    call(getBridge().invoke('annotation:history', { annotationId }))
      .then(
        (r) => live && setState({ id: annotationId, list: [...r].sort((a, b) => b.id - a.id), error: null }),
      )
      .catch((e: Error) => live && setState({ id: annotationId, list: [], error: e.message }));
    return () => {
      live = false;
    };
  }, [annotationId, head]);
  if (annotationId === null) return null;
  const revisions = state.id === annotationId ? state.list : [];
  const error = state.id === annotationId ? state.error : null;
  const fork = forksOf(revisions, head);
  const pick = (revisionId: number) => {
    setBusy(true);
    void onRevert(revisionId).finally(() => setBusy(false));
  };
  return (
    <section className="panel history" aria-label="History" data-testid="history">
      <h2>History</h2>
      {error && <p className="error">{error}</p>}
      {revisions.length === 0 && <p className="muted">No revision yet: your first stroke makes one.</p>}
      {fork.tips.length > 0 && (
        <div className="fork" data-testid="history-fork">
          <p>
            Two workstations continued this annotation in parallel: {fork.tips.length} branches. Pick the one
            to continue from; the others stay in the history.
          </p>
          <ul>
            {fork.tips.map((t) => (
              <li key={t.id}>
                #{t.id} by {t.author}, {new Date(t.createdAt).toLocaleString()} ({voxels(t)}){' '}
                <button
                  type="button"
                  className="link"
                  data-testid={`pick-${t.id}`}
                  disabled={busy}
                  onClick={() => pick(t.id)}
                >
                  {t.id === head ? 'Keep this head' : 'Make this the head'}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <ol>
        {revisions.map((r) => (
          <li
            key={r.id}
            data-testid={`revision-${r.id}`}
            data-tool={r.tool ?? ''}
            className={r.id === head ? 'head' : undefined}
          >
            <div>
              <strong>#{r.id}</strong> {r.tool ?? '—'} <span className="muted">by {r.author}</span>
              {r.parentId !== null && <span className="muted"> · after #{r.parentId}</span>}
            </div>
            <div className="muted">
              <time dateTime={r.createdAt}>{new Date(r.createdAt).toLocaleString()}</time> · {voxels(r)}
            </div>
            {r.id !== head && (
              <button
                type="button"
                className="link"
                data-testid={`revert-${r.id}`}
                disabled={busy}
                onClick={() => pick(r.id)}
              >
                Revert to this
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
