// Review: the case's annotations this profile may see, each one's overlay toggled on or off beside the own
// mask (outlined, one colour per annotator); the own submission of the case (SubmitBox); reviewers and
// admins "Open for review" (after seeing who has not submitted), which unblinds the case's annotations to
// reviewers and to each annotator who has submitted. Each annotation with a revision (an annotator's, a
// consensus, the reference) can be exported as NIfTI, DICOM SEG or NRRD.
import type { AnnotatorInfo } from '@contract';
import type { ReadOnlyTarget } from './useReadOnlyWhile';
import { AnnotationExport } from './AnnotationExport';
import { OpenReviewButton } from './OpenReviewButton';
import { SubmitBox } from './SubmitBox';
import type { CaseAnnotations } from './useCaseAnnotations';

interface Props {
  me: AnnotatorInfo;
  ownAnnotationId: number | null;
  /** The own manual annotation's editor (the submission makes it read-only). */
  ownEditor: ReadOnlyTarget | null;
  state: CaseAnnotations;
}

export function ReviewPanel({ me, ownAnnotationId, ownEditor, state }: Props) {
  const { annotations, review, shown, error } = state;
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
              <span className="muted">
                {a.revisionCount} rev. · {a.status}
              </span>
              {a.headRevisionId !== null && (
                <AnnotationExport revisionId={a.headRevisionId} name={a.authorName} />
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
