// The adjudication's decisions, oldest first: what was decided for which region, by whom and when, why,
// and how many voxels it changed.
import type { AdjudicationDecision, DisagreementRegion } from '@contract';

const KIND_TEXT: Record<AdjudicationDecision['kind'], string> = {
  seed: 'Seed',
  'take-rater': 'Took a rater',
  'take-consensus': 'Took the consensus',
  manual: 'Manual edit',
};

export function DecisionList({
  decisions,
  regionOf,
}: {
  decisions: readonly AdjudicationDecision[];
  regionOf(id: number): DisagreementRegion | undefined;
}) {
  return (
    <ol className="cs-decisions" data-testid="decisions">
      {decisions.map((d) => {
        const r = d.region ? regionOf(d.region.regionId) : undefined;
        return (
          <li key={d.id} data-testid={`decision-${d.id}`} data-kind={d.kind}>
            <strong>{KIND_TEXT[d.kind]}</strong>
            {d.region ? ` · region ${d.region.regionId}` : ''}
            {r ? ` (${r.volumeMl.toFixed(3)} mL)` : ''}
            {d.sourceRevisionId !== null ? ` · from rev. ${d.sourceRevisionId}` : ''} ·{' '}
            {d.voxelsChanged.toLocaleString()} voxels changed → rev. {d.resultRevisionId}
            <div className="muted">
              {d.decidedBy}, {new Date(d.decidedAt).toLocaleString()}
              {d.rationale ? `: “${d.rationale}”` : ''}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
