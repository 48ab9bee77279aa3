// The middle of the window: the viewer of the open volume (with the labelling tools and the review over
// it), or what stands in for it (opening, nothing imported yet, loading, a load error); under it the
// banner of the adjudication's working mask, the banner of a branch open read-only, the own annotation's error and the notices (info and warnings
// go away by themselves after 6 s and 15 s; errors stay until dismissed).
import { useEffect } from 'react';
import type { ViewState } from '@contract';
import { APP_KEY_HELP } from '../appKeys';
import type { Notice } from '../features/annotation/useAnnotation';
import type { BranchView } from '../features/history/useRaterHistory';
import type { VolumeLoad } from '../features/library/useVolume';
import type { ViewerEditing, ViewerMeasure, ViewerReview } from '../viewer';
import { Viewer } from '../viewer';

const NOTICE_MS: Record<Notice['kind'], number | null> = { info: 6000, warning: 15000, error: null };

interface Props {
  ready: boolean;
  volumeId: number | null;
  load: VolumeLoad;
  savedView: ViewState;
  onViewChange(v: ViewState): void;
  editing: ViewerEditing | undefined;
  review: ViewerReview | undefined;
  measure: ViewerMeasure | undefined;
  /** The tools edit the adjudication's working mask: a banner says so, with the way back. */
  editingWorking: boolean;
  onBackToOwn(): void;
  /** A branch tip open read-only (drawn instead of the own mask, no tools): a banner says whose. */
  branchView: BranchView | null;
  onCloseBranch(): void;
  /** The own annotation could not be opened (why). */
  annotationError: string | null;
  notice: Notice | null;
  onDismissNotice(): void;
}

export function Stage(p: Props) {
  const { notice, onDismissNotice, load } = p;
  useEffect(() => {
    const ms = notice ? NOTICE_MS[notice.kind] : null;
    if (ms === null) return;
    const t = window.setTimeout(onDismissNotice, ms);
    return () => window.clearTimeout(t);
  }, [notice, onDismissNotice]);

  return (
    <main className="stage">
      {!p.ready && <div className="placeholder">Opening workspace…</div>}
      {p.ready && p.volumeId === null && (
        <div className="placeholder">Import a NIfTI file, a DICOM folder or a PNG to begin (Ctrl+O).</div>
      )}
      {load.progress !== null && (
        <div className="placeholder" data-testid="volume-loading">
          Loading volume… {Math.round(load.progress * 100)}%
          <progress max={1} value={load.progress} />
        </div>
      )}
      {load.error && (
        <div className="placeholder error" role="alert">
          {load.error}
        </div>
      )}
      {load.volume && (
        <Viewer
          key={load.volume.meta.id}
          meta={load.volume.meta}
          voxels={load.volume.voxels}
          initialView={p.savedView}
          onViewChange={p.onViewChange}
          editing={p.editing}
          review={p.review}
          measure={p.measure}
          appKeyHelp={APP_KEY_HELP}
        />
      )}
      {p.editingWorking && (
        <div className="notice notice-warning cs-working-banner" role="status" data-testid="editing-working">
          Editing the working reference mask (adjudication): record the edit with a rationale under Manual
          edit.
          <button type="button" className="link" onClick={p.onBackToOwn}>
            Back to my annotation
          </button>
        </div>
      )}
      {p.branchView && (
        <div className="notice notice-warning" role="status" data-testid="branch-view">
          read-only: branch of {p.branchView.rater} from {new Date(p.branchView.createdAt).toLocaleString()}{' '}
          (revision #{p.branchView.revisionId}; editing is off)
          <button type="button" className="link" data-testid="branch-view-close" onClick={p.onCloseBranch}>
            Back to my annotation
          </button>
        </div>
      )}
      {p.annotationError && (
        <div className="notice notice-error" role="alert" data-testid="annotation-error">
          Your annotation could not be opened: {p.annotationError}
        </div>
      )}
      {notice && (
        <div className={`notice notice-${notice.kind}`} role="status" data-testid="notice">
          {notice.text}
          <button type="button" className="link" aria-label="Dismiss" onClick={onDismissNotice}>
            ✕
          </button>
        </div>
      )}
    </main>
  );
}
