// The review side panel of a case open for review (reviewers and admins): compare the raters, merge them,
// see where they disagree, adjudicate region by region and sign off. Annotators never get this panel, and
// main refuses its requests to them (blinding).
import type { AnnotationInfo, LabelInfo, MergeResult } from '@contract';
import { OpenReviewButton } from '../review/OpenReviewButton';
import { AdjudicationPanel } from './AdjudicationPanel';
import { ComparisonPanel } from './ComparisonPanel';
import { DisagreementPanel } from './DisagreementPanel';
import { MergePanel } from './MergePanel';
import { RaterPicker } from './RaterPicker';
import './consensus.css';
import type { Consensus } from './useConsensus';

interface Props {
  consensus: Consensus;
  /** The open project (what may be sent to a PACS depends on its kind). */
  projectId: number | null;
  labels: readonly LabelInfo[];
  annotations: readonly AnnotationInfo[];
  reviewOpen: boolean;
  caseId: number | null;
  onOpenReview(): void;
  onMerged(r: MergeResult): void;
  editingWorking: boolean;
  onEditWorking(on: boolean): void;
  onClose(): void;
}

export function ConsensusPanel(p: Props) {
  const c = p.consensus;
  return (
    <aside className="consensus" data-testid="consensus" aria-label="Consensus">
      <header className="cs-header">
        <h2>Consensus</h2>
        <button type="button" className="link" aria-label="Close the consensus panel" onClick={p.onClose}>
          ✕
        </button>
      </header>
      {c.volumeId === null ? (
        <p className="muted">Open a volume to compare its raters.</p>
      ) : !p.reviewOpen ? (
        <div className="cs-section">
          <p className="muted" data-testid="consensus-needs-review">
            The case is not open for review: its annotations are blinded. Opening it shows every rater&apos;s
            mask to every profile.
          </p>
          <OpenReviewButton className="primary" caseId={p.caseId} onOpen={p.onOpenReview} />
        </div>
      ) : (
        <>
          <RaterPicker
            volumeId={c.volumeId}
            version={p.annotations}
            value={c.raters}
            onChange={c.setRaters}
          />
          <ComparisonPanel
            volumeId={c.volumeId}
            labels={p.labels}
            job={c.compareJob}
            comparison={c.comparison}
            onCompared={c.setComparison}
          />
          <MergePanel
            volumeId={c.volumeId}
            labels={p.labels}
            job={c.mergeJob}
            result={c.merge}
            onMerged={(r) => {
              c.setMerge(r);
              p.onMerged(r);
            }}
          />
          <DisagreementPanel
            agreement={c.agreement}
            job={c.agreementJob}
            decisions={c.adjudication.state?.decisions}
          />
          <AdjudicationPanel
            adjudication={c.adjudication}
            projectId={p.projectId}
            agreement={c.agreement}
            annotations={p.annotations}
            label={c.label}
            editingWorking={p.editingWorking}
            onEditWorking={p.onEditWorking}
          />
        </>
      )}
    </aside>
  );
}
