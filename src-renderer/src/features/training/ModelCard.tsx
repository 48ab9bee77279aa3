// One registry model: architecture and size, labels, metrics, the backend it was trained on, its parent
// (transfer learning), origin, version (weights checksum), with Export.
import type { ModelInfo } from '@contract';
import type { DraftValue } from './draftOutcomes';
import { keptText, labelDiceText, recipeOf } from './recipeText';
import { starterOf } from './starterCard';

function metricText(metrics: Record<string, unknown>): string {
  const parts = Object.entries(metrics)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k} ${Number.isInteger(v) ? String(v) : (v as number).toFixed(3)}`);
  return parts.length ? parts.join(', ') : '—';
}

interface Props {
  model: ModelInfo;
  /** Its drafts that annotators corrected and marked done; undefined when none. */
  drafts: DraftValue | undefined;
  onExport(model: ModelInfo): void;
  busy: boolean;
}

export function ModelCard({ model: m, drafts, onExport, busy }: Props) {
  const recipe = recipeOf(m.trainingData);
  const perLabel = labelDiceText(m.metrics['labelDice'], m.labels);
  // The image's slices in (2.5D): the input channels without the two coordinate planes.
  const slicesIn = m.config.inChannels - (m.config.coordinates ? 2 : 0);
  const epochs = typeof m.metrics['epochs'] === 'number' ? m.metrics['epochs'] : 0;
  const starter = starterOf(m);
  return (
    <li className="model-card" data-testid={`model-${m.id}`} data-origin={starter ? 'starter' : m.origin}>
      <div className="model-head">
        <strong>
          Model {m.id}: {m.name}
        </strong>
        <button
          type="button"
          className="link"
          data-testid={`model-export-${m.id}`}
          disabled={busy}
          onClick={() => onExport(m)}
        >
          Export…
        </button>
      </div>
      {starter && (
        <p className="muted" data-testid={`model-starter-${m.id}`}>
          Starter model, shipped with Concord: trained on {starter.data.name} ({starter.data.cases} cases,{' '}
          {starter.data.patients.length} patients; {starter.licence}). Held-out Dice{' '}
          {starter.metrics.heldOutDice.toFixed(3)} on {starter.metrics.heldOutPatients.length} other patients'{' '}
          {starter.metrics.heldOutCases} cases. Choose it under “Start from” to fine-tune it on your cases.{' '}
          <span title={starter.recipe.commands.join('\n')}>
            Recipe: {starter.recipe.commands.length} commands
          </span>
          . {starter.attribution}
        </p>
      )}
      <dl>
        <dt>Architecture</dt>
        <dd>
          {m.architecture}, {m.config.levels} levels, {m.config.base} base filters, {m.cropSize}px crops
          {slicesIn > 1 ? `, 2.5D (${slicesIn} slices in)` : ''}
          {m.config.coordinates ? ', coordinate planes' : ''}
          {(m.config.members ?? 1) > 1 ? `; an ensemble of ${m.config.members} such networks, averaged` : ''}
        </dd>
        <dt>Labels</dt>
        <dd>{m.labels.map((l) => `${l.value} ${l.name}`).join(', ')}</dd>
        <dt>Metrics</dt>
        <dd data-testid={`model-metrics-${m.id}`}>
          {metricText(m.metrics)}
          {recipe?.refit ? ' (validation: the validated network’s; this one trained on every case)' : ''}
        </dd>
        {perLabel && (
          <>
            <dt>Dice per label</dt>
            <dd data-testid={`model-label-dice-${m.id}`}>{perLabel}</dd>
          </>
        )}
        {recipe && (
          <>
            <dt>Kept</dt>
            <dd data-testid={`model-kept-${m.id}`}>{keptText(recipe, epochs)}</dd>
          </>
        )}
        <dt title="How its drafts are made: the probability threshold, and whether the slice's flips are averaged">
          Drafts made
        </dt>
        <dd data-testid={`model-inference-${m.id}`}>
          {m.config.labels > 1
            ? `the most probable of background and ${m.config.labels} labels`
            : `threshold ${m.inference.threshold}`}
          , test-time flips {m.inference.tta ? 'on' : 'off'}
        </dd>
        <dt title="Dice between the model's draft and the annotator's final mask">Drafts</dt>
        <dd data-testid={`model-drafts-${m.id}`}>
          {drafts
            ? `${drafts.count} corrected; Dice draft vs final: mean ${drafts.meanDice.toFixed(3)}, latest ${drafts.latestDice.toFixed(3)}`
            : 'none corrected yet'}
        </dd>
        <dt>Backend</dt>
        <dd>{m.backend ?? '—'}</dd>
        <dt>Parent</dt>
        <dd>{m.parentModelId === null ? 'none (trained from scratch)' : `model ${m.parentModelId}`}</dd>
        <dt>Origin</dt>
        <dd>
          {m.origin === 'trained'
            ? `trained${m.runId !== null ? ` by run ${m.runId}` : ''}`
            : starter
              ? 'bundled with Concord'
              : 'imported'}{' '}
          · {m.createdBy}, {new Date(m.createdAt).toLocaleString()}
        </dd>
        <dt>Version</dt>
        <dd className="mono" title={m.weightsSha256}>
          {m.weightsSha256.slice(0, 12)}
        </dd>
      </dl>
    </li>
  );
}
