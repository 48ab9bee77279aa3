// Disagreement: the agreement overlay (votes, STAPLE probability or entropy) on the slices and in 3D with its
// legend, toggled with Z; the regions where raters differ, ranked by volume, with previous / next (buttons,
// { and }) moving every view to the region. Regions the adjudication decided are marked ("✓ decided: R2")
// and the list can show only the decided or undecided ones (decidedRegions.ts).
import { useState } from 'react';
import type { AdjudicationDecision, AgreementMeasure } from '@contract';
import { decidedText, listedRegions, type RegionFilter } from './decidedRegions';
import { agreementLegend } from './agreementColours';
import { JobProgress } from './JobProgress';
import { AgreementLegend } from './Legend';
import type { Agreement } from './useAgreement';
import type { Connectivity } from './useAgreement';
import { colourMode } from './useAgreement';
import type { ConsensusJob } from './useConsensusJob';

const MEASURES: { value: AgreementMeasure; text: string }[] = [
  { value: 'votes', text: 'Vote count' },
  { value: 'staple', text: 'STAPLE probability' },
  { value: 'entropy', text: 'Entropy' },
];
/** Regions listed at most (the rest are reachable with next / previous). */
const LISTED = 30;

const NO_DECISIONS: AdjudicationDecision[] = [];

interface Props {
  agreement: Agreement;
  job: ConsensusJob;
  /** The adjudication's decisions, if one is under way. */
  decisions?: readonly AdjudicationDecision[];
}

export function DisagreementPanel({ agreement, job, decisions = NO_DECISIONS }: Props) {
  const { map, current } = agreement;
  const n = map?.raters.length ?? 0;
  const [filter, setFilter] = useState<RegionFilter>('all');
  return (
    <section className="cs-section" data-testid="disagreement" aria-label="Disagreement">
      <h3>Disagreement</h3>
      <div className="cs-row">
        <select
          data-testid="agreement-measure"
          aria-label="Agreement measure"
          value={agreement.measure}
          onChange={(e) => void agreement.compute(e.target.value as AgreementMeasure)}
          disabled={job.running !== null}
        >
          {MEASURES.map((m) => (
            <option key={m.value} value={m.value}>
              {m.text}
            </option>
          ))}
        </select>
        <select
          data-testid="agreement-connectivity"
          aria-label="Region connectivity"
          title="Which voxels touch: 6 = faces, 18 = faces and edges, 26 = faces, edges and corners"
          value={agreement.connectivity}
          onChange={(e) => void agreement.compute(agreement.measure, Number(e.target.value) as Connectivity)}
          disabled={job.running !== null}
        >
          {([6, 18, 26] as const).map((c) => (
            <option key={c} value={c}>
              {c}-connected
            </option>
          ))}
        </select>
        <button
          type="button"
          data-testid="overlay-toggle"
          aria-pressed={agreement.visible}
          className={agreement.visible ? 'primary' : ''}
          title="Agreement overlay on the slices and in 3D (Z)"
          disabled={job.running !== null}
          onClick={agreement.toggle}
        >
          {map ? (agreement.visible ? 'Hide overlay' : 'Show overlay') : 'Compute overlay'} (Z)
        </button>
      </div>
      <JobProgress job={job} testId="agreement" />
      {map && (
        <>
          <AgreementLegend legend={agreementLegend(colourMode(map.measure), n)} />
          <p className="muted" data-testid="agreement-summary">
            {map.disagreementVoxels.toLocaleString()} voxels where raters differ,{' '}
            {map.unanimousVoxels.toLocaleString()} unanimous; {map.totalRegions} regions ({map.connectivity}
            -connected).
          </p>
          <div className="cs-row">
            <button
              type="button"
              data-testid="region-prev"
              title="Previous region ({ or Alt+PgUp)"
              disabled={map.regions.length === 0}
              onClick={() => agreement.step(-1)}
            >
              ◀ Previous
            </button>
            <span data-testid="region-current" data-region-id={agreement.region?.id ?? ''}>
              {agreement.region
                ? `Region ${agreement.region.id} of ${map.totalRegions}`
                : 'No region selected'}
            </span>
            <button
              type="button"
              data-testid="region-next"
              title="Next region, largest first (} or Alt+PgDn)"
              disabled={map.regions.length === 0}
              onClick={() => agreement.step(1)}
            >
              Next ▶
            </button>
          </div>
          <select
            data-testid="region-filter"
            aria-label="Which regions to list"
            value={filter}
            onChange={(e) => setFilter(e.target.value as RegionFilter)}
          >
            <option value="all">All regions</option>
            <option value="undecided">Undecided regions</option>
            <option value="decided">Decided regions</option>
          </select>
          <ol className="cs-regions" data-testid="regions">
            {listedRegions(map, decisions, filter, LISTED).map(({ region: r, index, decision }) => (
              <li
                key={r.id}
                data-testid={`region-${r.id}`}
                data-decided={decision ? 'true' : 'false'}
                data-seed={r.seedIJK.join(',')}
                data-bbox={[...r.bbox.min, ...r.bbox.max].join(',')}
                data-volume-ml={r.volumeMl}
                className={index === current ? 'cs-current' : ''}
              >
                <button
                  type="button"
                  className="link"
                  title={`Raters touching it: ${r.ratersIncluding} of ${n}; mean raters per voxel: ${r.meanVotes.toFixed(2)}`}
                  onClick={() => agreement.goTo(index)}
                >
                  #{r.id} · {r.volumeMl.toFixed(3)} mL · {r.voxels.toLocaleString()} vox · mean{' '}
                  {r.meanVotes.toFixed(1)} of {n} raters
                </button>
                {decision && (
                  <span className="cs-decided" data-testid={`region-decided-${r.id}`}>
                    {' '}
                    {decidedText(decision, map)}
                  </span>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
