// Merge the raters: majority vote (the user picks what ties become), STAPLE or multi-label STAPLE, run in
// main's worker with progress and cancel, saved as a derived annotation (shown like the others). Shows each
// rater's sensitivity and specificity (STAPLE's EM estimates; for a vote, against the voted mask), the
// iterations and the voxel counts.
import { useState } from 'react';
import type { LabelInfo, MergeMethod, MergeResult, TiePolicy } from '@contract';
import { ConfusionTables } from './ConfusionTables';
import { JobProgress } from './JobProgress';
import type { ConsensusJob } from './useConsensusJob';

const METHODS: { value: MergeMethod; text: string; what: string }[] = [
  {
    value: 'vote',
    text: 'Majority vote',
    what: "ITK's LabelVoting: each voxel gets the label most raters gave it.",
  },
  {
    value: 'staple',
    text: 'STAPLE',
    what: "Binary STAPLE (Warfield 2004, ITK's STAPLEImageFilter): EM estimate of each rater's sensitivity and specificity; mask = probability > 0.5.",
  },
  {
    value: 'mstaple',
    text: 'Multi-label STAPLE',
    what: "ITK's MultiLabelSTAPLEImageFilter: a confusion matrix per rater over every label.",
  },
];
const TIES: { value: TiePolicy; text: string }[] = [
  { value: 'undecided', text: 'undecided (own value)' },
  { value: 'background', text: 'background' },
  { value: 'foreground', text: 'foreground (the label)' },
];

interface Props {
  volumeId: number;
  labels: readonly LabelInfo[];
  job: ConsensusJob;
  result: MergeResult | null;
  onMerged(r: MergeResult): void;
}

const pct = (v: number | null): string => (v === null ? '—' : v.toFixed(4));

export function MergePanel({ volumeId, labels, job, result, onMerged }: Props) {
  const [method, setMethod] = useState<MergeMethod>('staple');
  const [ties, setTies] = useState<TiePolicy>('undecided');
  const [label, setLabel] = useState<number>(labels[0]?.value ?? 1);
  const run = async (): Promise<void> => {
    const text = METHODS.find((m) => m.value === method)!.text;
    const r = await job.run('consensus:merge', `${text}…`, {
      volumeId,
      method,
      label,
      ...(method === 'vote' ? { ties } : {}),
    });
    if (r) onMerged(r);
  };
  return (
    <section className="cs-section" data-testid="merge" aria-label="Merge raters">
      <h3>Merge</h3>
      <div className="cs-row">
        <select
          data-testid="merge-method"
          value={method}
          onChange={(e) => setMethod(e.target.value as MergeMethod)}
          aria-label="Method"
        >
          {METHODS.map((m) => (
            <option key={m.value} value={m.value} title={m.what}>
              {m.text}
            </option>
          ))}
        </select>
        <select
          data-testid="merge-label"
          value={label}
          onChange={(e) => setLabel(Number(e.target.value))}
          aria-label="Label"
        >
          {labels.map((l) => (
            <option key={l.value} value={l.value}>
              {l.value}: {l.name}
            </option>
          ))}
        </select>
        {method === 'vote' && (
          <label title="What a voxel becomes when the top count is shared">
            ties{' '}
            <select
              data-testid="merge-ties"
              value={ties}
              onChange={(e) => setTies(e.target.value as TiePolicy)}
            >
              {TIES.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.text}
                </option>
              ))}
            </select>
          </label>
        )}
        <button
          type="button"
          className="primary"
          data-testid="merge-run"
          disabled={job.running !== null}
          onClick={() => void run()}
        >
          Run
        </button>
      </div>
      <p className="muted cs-definition">{METHODS.find((m) => m.value === method)!.what}</p>
      <JobProgress job={job} testId="merge" />
      {result && <MergeSummary result={result} />}
    </section>
  );
}

function MergeSummary({ result }: { result: MergeResult }) {
  const name = METHODS.find((m) => m.value === result.method)!.text;
  return (
    <div data-testid="merge-result" data-method={result.method}>
      <p>
        <strong>{name}</strong>
        {result.iterations !== null && (
          <>
            {' '}
            · <span data-testid="merge-iterations">{result.iterations}</span> iterations
            {result.converged === false ? ' (not converged)' : ''}
          </>
        )}{' '}
        · {result.foregroundVoxels.toLocaleString()} voxels labelled
        {result.undecidedVoxels ? ` · ${result.undecidedVoxels.toLocaleString()} undecided` : ''}
        {result.tiedVoxels ? ` · ${result.tiedVoxels.toLocaleString()} tied` : ''}
        {result.saved ? ` · saved as revision ${result.saved.revision.id}` : ''}
      </p>
      <table className="cs-table" data-testid="merge-raters">
        <thead>
          <tr>
            <th>Rater</th>
            <th title="P(rater gives the label | true label); STAPLE: EM estimate">Sensitivity</th>
            <th title="P(rater gives background | true background); STAPLE: EM estimate">Specificity</th>
          </tr>
        </thead>
        <tbody>
          {result.raters.map((r) => (
            <tr key={r.index}>
              <th scope="row">{r.name}</th>
              <td data-testid={`merge-sensitivity-${r.index}`} data-value={r.sensitivity ?? ''}>
                {pct(r.sensitivity)}
              </td>
              <td data-testid={`merge-specificity-${r.index}`} data-value={r.specificity ?? ''}>
                {pct(r.specificity)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ConfusionTables result={result} />
    </div>
  );
}
