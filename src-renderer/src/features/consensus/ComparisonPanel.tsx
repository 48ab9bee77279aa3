// Compare the case's raters: every pair's figures for every label (and each rater against the majority vote
// and STAPLE) computed in main's worker with progress and cancel, shown as an N×N matrix of the chosen
// metric and label, with units and definitions; exported as CSV or JSON by main ('consensus:export').
import { useMemo, useState } from 'react';
import type { CaseComparison, LabelInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { matrixInput } from './comparisonRaters';
import { downloadText } from './download';
import { JobProgress } from './JobProgress';
import { buildMatrix } from './matrix';
import { MatrixTable } from './MatrixTable';
import type { MetricKey } from './metrics';
import { METRICS, metricSpec, metricTitle } from './metrics';
import type { ConsensusJob } from './useConsensusJob';

interface Props {
  volumeId: number;
  labels: readonly LabelInfo[];
  job: ConsensusJob;
  comparison: CaseComparison | null;
  onCompared(c: CaseComparison): void;
}

export function ComparisonPanel({ volumeId, labels, job, comparison, onCompared }: Props) {
  const [metric, setMetric] = useState<MetricKey>('dice');
  const [label, setLabel] = useState<number | null>(null);
  const [tolerance, setTolerance] = useState('1');
  const [exportError, setExportError] = useState<string | null>(null);
  const spec = metricSpec(metric);
  const shownLabel =
    label !== null && comparison?.labels.includes(label) ? label : (comparison?.labels[0] ?? null);
  const input = useMemo(() => (comparison ? matrixInput(comparison) : null), [comparison]);
  const matrix = useMemo(
    () => (input && shownLabel !== null ? buildMatrix(input.pairs, input.raters, shownLabel, metric) : null),
    [input, shownLabel, metric],
  );
  const labelName = (v: number): string => labels.find((l) => l.value === v)?.name ?? `Label ${v}`;

  const compare = async (): Promise<void> => {
    const tau = Number(tolerance);
    if (!(tau > 0)) {
      setExportError('Surface Dice tolerance must be a positive number of mm.');
      return;
    }
    setExportError(null);
    const c = await job.run('consensus:compare', 'Comparing raters…', { volumeId, toleranceMm: tau });
    if (c) onCompared(c);
  };
  const save = async (format: 'csv' | 'json'): Promise<void> => {
    if (!comparison) return;
    try {
      const f = await call(
        getBridge().invoke('consensus:export', { comparisonId: comparison.comparisonId, format }),
      );
      downloadText(f.fileName, f.text, f.mimeType);
      setExportError(null);
    } catch (e) {
      setExportError((e as Error).message);
    }
  };

  return (
    <section className="cs-section" data-testid="comparison" aria-label="Compare raters">
      <h3>Compare raters</h3>
      <div className="cs-row">
        <label title="Surface Dice tolerance τ in mm">
          τ (mm){' '}
          <input
            className="cs-number"
            data-testid="compare-tolerance"
            value={tolerance}
            inputMode="decimal"
            onChange={(e) => setTolerance(e.target.value)}
          />
        </label>
        <button
          type="button"
          className="primary"
          data-testid="compare-run"
          disabled={job.running !== null}
          onClick={() => void compare()}
        >
          {comparison ? 'Compare again' : 'Compare'}
        </button>
      </div>
      <JobProgress job={job} testId="compare" />
      {exportError && (
        <p className="error" role="alert" data-testid="compare-error">
          {exportError}
        </p>
      )}
      {comparison && matrix && (
        <>
          <div className="cs-row">
            <select
              data-testid="matrix-metric"
              value={metric}
              onChange={(e) => setMetric(e.target.value as MetricKey)}
              aria-label="Metric"
            >
              {METRICS.map((m) => (
                <option key={m.key} value={m.key} title={m.definition}>
                  {metricTitle(m)}
                </option>
              ))}
            </select>
            <select
              data-testid="matrix-label"
              value={shownLabel ?? ''}
              onChange={(e) => setLabel(Number(e.target.value))}
              aria-label="Label"
            >
              {comparison.labels.map((v) => (
                <option key={v} value={v}>
                  {v}: {labelName(v)}
                </option>
              ))}
            </select>
          </div>
          <p className="muted cs-definition" data-testid="metric-definition">
            {spec.definition}
          </p>
          <div className="cs-scroll">
            <MatrixTable matrix={matrix} spec={spec} />
          </div>
          <p className="muted">
            Fleiss&apos; κ{' '}
            <span data-testid="fleiss" title={comparison.definitions.fleissKappa}>
              {comparison.fleiss.kappa === null
                ? `— (${comparison.fleiss.reason ?? 'undefined'})`
                : comparison.fleiss.kappa.toFixed(4)}
            </span>
            {' · '}τ = {comparison.toleranceMm} mm · {comparison.raters.length} raters ·{' '}
            {new Date(comparison.computedAt).toLocaleTimeString()}
          </p>
          <div className="cs-row">
            <button type="button" data-testid="export-csv" onClick={() => void save('csv')}>
              Export CSV
            </button>
            <button type="button" data-testid="export-json" onClick={() => void save('json')}>
              Export JSON
            </button>
          </div>
        </>
      )}
    </section>
  );
}
