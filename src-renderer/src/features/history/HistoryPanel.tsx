// The revisions of an annotation, newest first (who, when, which tool, voxels per label): the own one, with
// "Revert to this" to make an earlier revision the head again (saved as a new revision; nothing is
// overwritten), or another rater's, opened from the case's annotations (read-only here). Where bundles from
// two workstations continued the same revision, the history forked: both branches are kept, each revision
// names the one it continues, and a banner says after which revision it parted and lists the branch tips:
// each can be opened read-only in the viewer, and picked as the head (the own annotation: a revert to the
// tip; another rater's: a reviewer's pick, annotation:pickBranch), or two merged (MergeBranches.tsx).
import { useEffect, useState } from 'react';
import { forksOf } from '@core/labelling/forks';
import type { RevisionInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { MergeBranches } from './MergeBranches';

interface Props {
  annotationId: number | null;
  /** The head as this window knows it: the list is read again when it moves. */
  head: number | null;
  /** Another rater's name when their annotation is shown; null for the own. */
  ownerName: string | null;
  /** A branch tip may be made the head here (the own annotation; another's: reviewers and admins). */
  canPick: boolean;
  onPick(revisionId: number): Promise<void>;
  /** The own annotation only: revert to any earlier revision. */
  onRevert?: (revisionId: number) => Promise<void>;
  /** Opens a revision read-only in the viewer; `viewing` is the one open. */
  onView(revision: RevisionInfo): void;
  viewing: number | null;
  /** Back to the own annotation's history. */
  onBack?: () => void;
}

function voxels(r: RevisionInfo): string {
  const parts = Object.entries(r.labelVoxels)
    .filter(([v]) => v !== '0')
    .map(([v, n]) => `${v}: ${n.toLocaleString()}`);
  return parts.length ? parts.join(', ') : 'empty';
}

export function HistoryPanel(p: Props) {
  const { annotationId, head } = p;
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
  const revert = p.onRevert;
  const run = (fn: (revisionId: number) => Promise<void>, revisionId: number) => {
    setBusy(true);
    void fn(revisionId).finally(() => setBusy(false));
  };
  return (
    <section
      className="panel history"
      aria-label="History"
      data-testid="history"
      data-owner={p.ownerName ?? ''}
    >
      <h2>{p.ownerName ? `History of ${p.ownerName}'s annotation` : 'History'}</h2>
      {p.onBack && (
        <button type="button" className="link" data-testid="history-back" onClick={p.onBack}>
          Back to my annotation
        </button>
      )}
      {error && <p className="error">{error}</p>}
      {revisions.length === 0 && (
        <p className="muted">
          {p.ownerName ? 'No revision yet.' : 'No revision yet: your first stroke makes one.'}
        </p>
      )}
      {fork.tips.length > 0 && (
        <div className="fork" data-testid="history-fork">
          <p>
            Two workstations continued this annotation in parallel
            {fork.forkedAfter !== null ? ` after #${fork.forkedAfter}` : ''}: {fork.tips.length} branches.
            {p.canPick ? ' Pick the one to continue from, or merge two; the others stay in the history.' : ''}
          </p>
          <ul>
            {fork.tips.map((t) => (
              <li key={t.id} data-testid={`tip-${t.id}`}>
                #{t.id} by {t.author}, {new Date(t.createdAt).toLocaleString()} ({voxels(t)}){' '}
                <button
                  type="button"
                  className="link"
                  data-testid={`view-${t.id}`}
                  aria-pressed={p.viewing === t.id}
                  onClick={() => p.onView(t)}
                >
                  View read-only
                </button>{' '}
                {p.canPick && (
                  <button
                    type="button"
                    className="link"
                    data-testid={`pick-${t.id}`}
                    disabled={busy}
                    onClick={() => run(p.onPick, t.id)}
                  >
                    {t.id === head ? 'Keep this head' : 'Make this the head'}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {/* Outside the banner: the merge's answer stays once the fork is settled. */}
      {p.canPick && <MergeBranches annotationId={annotationId} head={head} tips={fork.tips} />}
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
              {typeof r.provenance['pickedBy'] === 'string' && (
                <span className="muted"> · picked by {r.provenance['pickedBy']}</span>
              )}
              {typeof r.provenance['mergedBy'] === 'string' && (
                <span className="muted"> · branches merged by {r.provenance['mergedBy']}</span>
              )}
              {r.parentId !== null && <span className="muted"> · after #{r.parentId}</span>}
            </div>
            <div className="muted">
              <time dateTime={r.createdAt}>{new Date(r.createdAt).toLocaleString()}</time> · {voxels(r)}
            </div>
            {r.id !== head && revert && (
              <button
                type="button"
                className="link"
                data-testid={`revert-${r.id}`}
                disabled={busy}
                onClick={() => run(revert, r.id)}
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
