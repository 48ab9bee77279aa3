// Review: the case's annotations this profile may see, each one's overlay toggled on or off beside the own
// mask (outlined, one colour per annotator); the own submission of the case (SubmitBox); reviewers and
// admins "Open for review" (after seeing who has not submitted), which unblinds the case's annotations to
// reviewers and to each annotator who has submitted. Each annotation with a revision (an annotator's, a
// consensus, the reference, an AI draft) can be exported as NIfTI or NRRD, and as DICOM SEG when the volume
// came from DICOM, and its history opened in the History panel; an annotation whose history forked (bundles
// from two workstations) says so. A derived annotation shows what made it ("derived: STAPLE"), not a work
// status. Reviewers and admins import a mask file onto the volume as a named annotator (MaskImportBox).
import type { AnnotationInfo, AnnotatorInfo, LabelInfo, VolumeMeta } from '@contract';
import type { ReadOnlyTarget } from './useReadOnlyWhile';
import { AnnotationExport } from './AnnotationExport';
import { MaskImportBox } from './MaskImportBox';
import { OpenReviewButton } from './OpenReviewButton';
import { SubmitBox } from './SubmitBox';
import type { CaseAnnotations } from './useCaseAnnotations';

interface Props {
  me: AnnotatorInfo;
  ownAnnotationId: number | null;
  /** The own manual annotation's editor (the submission makes it read-only). */
  ownEditor: ReadOnlyTarget | null;
  state: CaseAnnotations;
  /** Shows another annotation's history (with its branches) in the History panel. */
  onShowHistory(annotationId: number): void;
  /** The annotation whose history is shown, when not the own. */
  historyOf: number | null;
  volume: VolumeMeta | null;
  labels: readonly LabelInfo[];
}

/** A manual annotation's work status; a derived one's origin (consensus, reference, AI draft). */
export function annotationStateText(a: AnnotationInfo): string {
  if (a.kind === 'derived') return `derived: ${a.authorName}`;
  return a.status === 'in-progress' ? 'in progress' : a.status === 'not-started' ? 'not started' : a.status;
}

export function ReviewPanel(p: Props) {
  const { me, ownAnnotationId, ownEditor, state, onShowHistory, historyOf, volume, labels } = p;
  const { annotations, review, shown, error } = state;
  const tipsOf = new Map(state.branches.map((b) => [b.annotationId, b.tips.length]));
  const canOpen = me.role !== 'annotator';
  const opened = review?.reviewOpenedAt ?? null;
  return (
    <section className="panel review" aria-label="Annotations of this case" data-testid="review">
      <h2>Annotations</h2>
      <p className="muted" data-testid="review-state" data-open={opened ? 'true' : 'false'}>
        {opened
          ? `Open for review since ${new Date(opened).toLocaleString()} (by ${review?.reviewOpenedBy ?? '?'}).`
          : me.role === 'annotator'
            ? 'Blinded: you see only your own annotation until you submit and the case is opened for review.'
            : 'Not open for review: annotators see only their own.'}
      </p>
      {canOpen && !opened && <OpenReviewButton caseId={review?.caseId ?? null} onOpen={state.openReview} />}
      {ownAnnotationId !== null && review && (
        <SubmitBox caseId={review.caseId} profileId={me.id} editor={ownEditor} />
      )}
      {error && <p className="error">{error}</p>}
      <ul className="annotations">
        {annotations.map((a) => {
          const own = a.id === ownAnnotationId;
          const tips = tipsOf.get(a.id);
          return (
            <li key={a.id} data-testid={`annotation-${a.authorName}`}>
              <label>
                <input
                  type="checkbox"
                  data-testid={`show-annotation-${a.authorName}`}
                  checked={own || shown.has(a.id)}
                  disabled={own || a.headRevisionId === null}
                  onChange={() => state.toggle(a.id)}
                />
                <span className="tint" style={{ background: own ? 'transparent' : state.tintOf(a.id) }} />
                {a.authorName}
                {own ? ' (you, editing)' : ''}
              </label>
              <span className="muted" data-testid={`annotation-state-${a.authorName}`} data-kind={a.kind}>
                {a.revisionCount} rev. · {annotationStateText(a)}
              </span>
              {tips !== undefined && (
                <span className="fork-badge" data-testid={`forked-${a.authorName}`}>
                  forked: {tips} branches
                </span>
              )}
              {!own && a.revisionCount > 0 && (
                <button
                  type="button"
                  className="link"
                  data-testid={`history-of-${a.authorName}`}
                  aria-pressed={historyOf === a.id}
                  onClick={() => onShowHistory(a.id)}
                >
                  History
                </button>
              )}
              {a.headRevisionId !== null && (
                <AnnotationExport
                  revisionId={a.headRevisionId}
                  name={a.authorName}
                  dicom={volume?.sourceFormat === 'dicom'}
                />
              )}
            </li>
          );
        })}
      </ul>
      {canOpen && volume && <MaskImportBox volumeId={volume.id} labels={labels} />}
    </section>
  );
}
