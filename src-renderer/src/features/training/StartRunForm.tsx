// The form that starts a training run on the current project: target (the raters' agreement by default,
// signed-off reference, majority vote, STAPLE probability or one annotator), epochs, a base model from the
// registry (transfer learning, with "freeze encoder"), the backend, and an "Advanced" section for the
// network's size, the batch, 2.5D, foreground sampling, the labels (every one the masks use, in one model,
// unless a subset is listed) and the recipe's switches (each on by default).
import { useState } from 'react';
import { ADVANCED_FIELDS, FROM_BASE, type Advanced } from './advancedFields';
import {
  DEFAULT_EPOCHS,
  DEFAULT_SPLIT_BY,
  type ModelInfo,
  type SplitBy,
  type TrainingBackendRequest,
  type TrainingStartRequest,
  type TrainingTarget,
} from '@contract';
import { BackendSelect } from './BackendSelect';
import { modelOptionText } from './starterCard';
import { DEFAULT_RECIPE, RECIPE_KEYS, RecipeChecks, type Recipe } from './RecipeChecks';
import { SEMI_OFF, SemiSupervisedCheck, type SemiSupervised } from './SemiSupervisedCheck';

interface Props {
  projectId: number;
  annotators: string[];
  models: ModelInfo[];
  busy: boolean;
  /** A run of this project is training: one at a time (they would share the same CPU cores or GPU). */
  running: boolean;
  onStart(req: TrainingStartRequest): void;
}

export function StartRunForm({ projectId, annotators, models, busy, running, onStart }: Props) {
  const [target, setTarget] = useState<TrainingTarget>('agreement');
  const [recipe, setRecipe] = useState<Recipe>(DEFAULT_RECIPE);
  const [epochs, setEpochs] = useState(String(DEFAULT_EPOCHS));
  const [baseModel, setBaseModel] = useState('');
  const [freeze, setFreeze] = useState(false);
  const [backend, setBackend] = useState<TrainingBackendRequest>('auto');
  const [augmentation, setAugmentation] = useState<'nnunet' | 'none'>('nnunet');
  const [semi, setSemi] = useState<SemiSupervised>(SEMI_OFF);
  const [adv, setAdv] = useState<Advanced>({
    levels: '',
    base: '',
    cropSize: '',
    batchSize: '',
    threads: '',
    seed: '',
    learningRate: '',
    neighbours: '',
    foregroundFraction: '',
    members: '',
  });
  const [labels, setLabels] = useState('');
  const [splitBy, setSplitBy] = useState<SplitBy>(DEFAULT_SPLIT_BY);
  // A semi-supervised run learns from its pseudo-labels in the refit, so it always refits.
  const locked: Partial<Record<keyof Recipe, string>> = semi.on
    ? {
        refit:
          'a semi-supervised run always trains again on every case: that network makes the pseudo-labels',
      }
    : {};
  const epochsN = Number(epochs);
  const valid = Number.isInteger(epochsN) && epochsN >= 1;

  const submit = (): void => {
    const req: TrainingStartRequest = { projectId, target, epochs: epochsN, backend, augmentation };
    // Only a switch turned off travels: the defaults are the service's.
    for (const k of RECIPE_KEYS) if (!recipe[k] && locked[k] === undefined) req[k] = false;
    if (semi.on) {
      req.semiSupervised = true;
      if (semi.minConfidence.trim() !== '') req.pseudoMinConfidence = Number(semi.minConfidence);
      if (semi.rounds.trim() !== '') req.pseudoRounds = Number(semi.rounds);
    }
    if (baseModel) {
      req.baseModelId = Number(baseModel);
      req.freezeEncoder = freeze;
    }
    for (const f of ADVANCED_FIELDS) {
      const v = adv[f.key].trim();
      // The network's shape comes from the base model when there is one.
      if (v === '' || (baseModel && FROM_BASE.has(f.key))) continue;
      req[f.key] = Number(v);
    }
    // "1, 3": a subset of the labels (the service checks them); empty: every label the masks use.
    const listed = labels
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number);
    if (listed.length > 0 && !baseModel) req.labels = listed;
    if (splitBy !== DEFAULT_SPLIT_BY) req.splitBy = splitBy;
    onStart(req);
  };

  return (
    <form
      className="train-form"
      data-testid="train-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) submit();
      }}
    >
      <label>
        Target
        <select
          data-testid="train-target"
          value={target}
          onChange={(e) => setTarget(e.target.value as TrainingTarget)}
        >
          <option value="agreement">Raters’ agreement (share marking each voxel, soft)</option>
          <option value="reference">Signed-off reference</option>
          <option value="vote">Majority vote of the annotators</option>
          <option value="staple">STAPLE probability (soft)</option>
          {annotators.map((a) => (
            <option key={a} value={`annotator:${a}`}>
              Annotator {a}
            </option>
          ))}
        </select>
      </label>
      <label>
        Epochs
        <input
          data-testid="train-epochs"
          type="number"
          min={1}
          value={epochs}
          onChange={(e) => setEpochs(e.target.value)}
        />
      </label>
      <label>
        Start from
        <select
          data-testid="train-base-model"
          value={baseModel}
          onChange={(e) => setBaseModel(e.target.value)}
        >
          <option value="">New network (random weights)</option>
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {modelOptionText(m)}
            </option>
          ))}
        </select>
      </label>
      <label className="check" title="Train only the decoder; the encoder keeps the base model's weights">
        <input
          type="checkbox"
          data-testid="train-freeze"
          disabled={!baseModel}
          checked={freeze && !!baseModel}
          onChange={(e) => setFreeze(e.target.checked)}
        />
        Freeze encoder
      </label>
      <label title="On-the-fly augmentation of the training crops (the Augment tab previews it)">
        Augmentation
        <select
          data-testid="train-augmentation"
          value={augmentation}
          onChange={(e) => setAugmentation(e.target.value === 'none' ? 'none' : 'nnunet')}
        >
          <option value="nnunet">
            nnU-Net defaults (rotation, scaling, mirroring, noise, blur, intensity, low res.)
          </option>
          <option value="none">Mirroring only</option>
        </select>
      </label>
      <SemiSupervisedCheck projectId={projectId} value={semi} onChange={setSemi} refreshKey={running} />
      <BackendSelect value={backend} onChange={setBackend} />
      <details>
        <summary>Advanced</summary>
        <RecipeChecks value={recipe} onChange={setRecipe} locked={locked} />
        <div className="train-advanced">
          {ADVANCED_FIELDS.map((f) => (
            <label key={f.key} title={f.hint}>
              {f.label}
              <input
                data-testid={`train-${f.key}`}
                type="number"
                min={0}
                step="any"
                placeholder={!!baseModel && FROM_BASE.has(f.key) ? 'base model’s' : f.dflt}
                disabled={!!baseModel && FROM_BASE.has(f.key)}
                value={adv[f.key]}
                onChange={(e) => setAdv((a) => ({ ...a, [f.key]: e.target.value }))}
              />
            </label>
          ))}
          <label title="Label values to segment in one model, e.g. 1, 3 (default: every label the masks use; several: softmax over background and them, Dice per label)">
            Labels
            <input
              data-testid="train-labels"
              placeholder={baseModel ? 'base model’s' : 'all used'}
              disabled={!!baseModel}
              value={labels}
              onChange={(e) => setLabels(e.target.value)}
            />
          </label>
          <label title="What the train/validation split keeps whole. By subject: every case of one person (the subject an import named) on one side, so that validation is on people the run did not train on">
            Validation split
            <select
              data-testid="train-split-by"
              value={splitBy}
              onChange={(e) => setSplitBy(e.target.value === 'subject' ? 'subject' : 'case')}
            >
              <option value="case">by case</option>
              <option value="subject">by subject</option>
            </select>
          </label>
        </div>
      </details>
      <button
        type="submit"
        className="primary"
        data-testid="train-start"
        disabled={busy || running || !valid}
        title={running ? 'A run is training: cancel it or wait for it to finish' : undefined}
      >
        Start training
      </button>
    </form>
  );
}
