// One run's facts: status, target, the labels it trains (and, for several, the kept epoch's Dice of each),
// the backend that ran (and on what), base model, the case split, the
// model it produced, and the error of a failed run.
import type { RunDetail } from '@contract';
import { formatMetric, splitNote, targetText } from './runFormat';
import {
  keptText,
  labelDiceText,
  labelsOf,
  labelsText,
  recipeOf,
  thresholdText,
  ttaText,
} from './recipeText';

export function RunSummary({ run }: { run: RunDetail }) {
  const best = run.metrics.reduce<number | null>(
    (b, m) => (m.validationDice !== null && (b === null || m.validationDice > b) ? m.validationDice : b),
    null,
  );
  const unavailable = run.backendUnavailable;
  const recipe = recipeOf(run.trainingData);
  const labels = labelsOf(run.trainingData);
  const perLabel = labelDiceText(recipe?.labelDice, labels);
  return (
    <dl className="run-summary" data-testid="run-summary">
      <dt>Status</dt>
      <dd data-testid="run-status" data-status={run.status}>
        {run.status}
        {run.error && (
          <span className="error" role="alert">
            {' '}
            — {run.error}
          </span>
        )}
      </dd>
      <dt>Target</dt>
      <dd>{targetText(run.target)}</dd>
      {labels && (
        <>
          <dt>Labels</dt>
          <dd data-testid="run-labels">{labelsText(labels)}</dd>
        </>
      )}
      <dt>Backend</dt>
      <dd data-testid="run-backend" data-backend={run.backend ?? ''}>
        {run.backend ? `${run.backend}${run.backendDevice ? ` — ${run.backendDevice}` : ''}` : 'starting…'}
        {unavailable.length > 0 && (
          <ul className="muted backend-why">
            {unavailable.map((u) => (
              <li key={u.backend}>
                {u.backend}: {u.reason}
              </li>
            ))}
          </ul>
        )}
      </dd>
      {run.baseModelId !== null && (
        <>
          <dt>Base model</dt>
          <dd>
            model {run.baseModelId}
            {run.config['freezeEncoder'] === true ? ' (encoder frozen)' : ''}
          </dd>
        </>
      )}
      <dt>Cases</dt>
      <dd data-testid="run-cases">
        {run.split.train.length} training, {run.split.validation.length} validation
        {splitNote(run.split)}
        {run.refit &&
          `; then all ${run.split.train.length + run.split.validation.length} trained again (the stored network)`}
        {recipe?.pseudo &&
          `, with the pseudo-labels of ${recipe.pseudo.cases} unlabelled cases (confidence floor ${recipe.pseudo.minConfidence}${(recipe.pseudo.rounds ?? 1) > 1 ? `, ${recipe.pseudo.rounds} label rounds` : ''})`}
      </dd>
      <dt>Best val. Dice</dt>
      <dd>{formatMetric(best)}</dd>
      {perLabel && (
        <>
          <dt title="The kept epoch's validation Dice of each label; the run's Dice is their mean">
            Dice per label
          </dt>
          <dd data-testid="run-label-dice">{perLabel}</dd>
        </>
      )}
      {recipe && (
        <>
          <dt>Kept</dt>
          <dd data-testid="run-kept">{keptText(recipe, run.epochs)}</dd>
          <dt>Test-time flips</dt>
          <dd data-testid="run-tta">{ttaText(recipe)}</dd>
          <dt title="The probability above which a voxel is drafted as the label">Threshold</dt>
          <dd data-testid="run-threshold">{thresholdText(recipe)}</dd>
        </>
      )}
      {run.modelId !== null && (
        <>
          <dt>Model</dt>
          <dd data-testid="run-model">model {run.modelId}</dd>
        </>
      )}
      <dt>By</dt>
      <dd>
        {run.createdBy}, {new Date(run.createdAt).toLocaleString()}
      </dd>
    </dl>
  );
}
