// Training's channels: runs, the model registry, inference (AI drafts), active learning and draft outcomes.
import type {
  AnnotationInfo,
  AugmentPreview,
  BackendAvailability,
  DraftOutcome,
  DraftResult,
  ModelInfo,
  Normalisation,
  RunDetail,
  RunInfo,
  RunStatus,
  SimpleDraftInfo,
  TrainingBackendRequest,
  TrainingProgress,
  TrainingTarget,
  UncertaintyRow,
} from '../../src-main/core/model';

/** A simple model's draft of a volume: seeds are voxel indices (i, j, k), e.g. the crosshair where the
 *  annotator clicked; window in physical units (HU for CT); marginMm: how far around the seeds to look. */
export interface SimpleDraftRequest {
  jobId: string;
  volumeId: number;
  method: SimpleDraftInfo['method'];
  seeds: [number, number, number][];
  backgroundSeeds?: [number, number, number][];
  window?: { lo: number; hi: number };
  marginMm?: number;
}

/** Epochs of a run that names none. On the LIDC crops a run of 60 scored well above one of 20 on held-out
 *  patients, in about three times the minutes (bench/RESULTS.md, "Sixty epochs by default"). */
export const DEFAULT_EPOCHS = 60;

/** Networks a run that names no count trains: one. Two or more make an ensemble (each on its own seed,
 *  their probabilities averaged); on the LIDC hold-out three did not pay reliably for their three times the
 *  training and drafting (bench/RESULTS.md, "Seven seeds, and an ensemble of three networks"). */
export const DEFAULT_MEMBERS = 1;

/** Whether a run of one network trains again on every case once validation has chosen its epoch, threshold
 *  and flips (the refit). On the LIDC nodule crops a network trained on every case scored higher on
 *  held-out patients than the validated one (bench/RESULTS-validation.md), for twice the training. */
export const DEFAULT_REFIT = true;

export type SplitBy = 'case' | 'subject';
export const DEFAULT_SPLIT_BY: SplitBy = 'case';

export interface TrainingStartRequest {
  projectId: number;
  /** Default 'agreement': the share of each case's raters (its submitted manual annotations; all its manual
   *  annotations when none is submitted) marking each voxel, as a soft target. */
  target?: TrainingTarget;
  /** Default DEFAULT_EPOCHS. */
  epochs?: number;
  /** Start from this registry model's weights (transfer learning); architecture and crop come from it. */
  baseModelId?: number;
  /** With baseModelId: train only the decoder (encoder weights stay as in the base model). */
  freezeEncoder?: boolean;
  /** Default 'auto' (the best backend that starts; the run records which one ran). */
  backend?: TrainingBackendRequest;
  /** U-Net levels (default 4) and base filters (default 16); ignored with baseModelId. */
  levels?: number;
  base?: number;
  /** Side of the square training crops in pixels (a multiple of 2^(levels-1); default 128, or half the
   *  smallest slice side when that is less: random windows inside the slices). */
  cropSize?: number;
  /** Default 16. */
  batchSize?: number;
  /** Adam's learning rate (default 1e-3): constant with the weight average, else cosine-decayed over the
   *  epochs. */
  learningRate?: number;
  /** Validate and keep a moving average of the weights (decay 0.99 a step; default true). */
  ema?: boolean;
  /** Test-time augmentation: the kept model is validated with and without the slice's flips, and its
   *  drafts use them when they scored higher (default true; false: never). */
  tta?: boolean;
  /** One label: choose the drafts' probability threshold on the validation cases, the one scoring best
   *  between 0.3 and 0.9 (default true; false: the target's matched threshold, 0.5 or the raters'
   *  majority's). */
  calibrateThreshold?: boolean;
  /** Share of the training crops centred on a foreground pixel of a slice that has one (default 1/3; 0:
   *  crops anywhere). */
  foregroundFraction?: number;
  /** Keep the epoch whose validation Dice was highest (default true; false: the last epoch). */
  keepBest?: boolean;
  /** Fraction of cases (with splitBy 'subject': of subjects) held out for validation (default 0.2; at least
   *  one each side). */
  validationFraction?: number;
  /** What the train/validation split keeps whole: each 'case' (default, DEFAULT_SPLIT_BY), or each
   *  'subject' (the person imaged, migration 012; a case naming none is its own), so that validation is on
   *  people the run did not train on. On the LIDC nodule crops (about three cases a patient) 'subject' scored
   *  lower on held-out patients: its fifth of the patients is a smaller, noisier validation set
   *  (bench/RESULTS-validation.md). */
  splitBy?: SplitBy;
  /** Seed of the split, the initial weights, the crops and their order (default 1). */
  seed?: number;
  /** One label value to segment (a sigmoid output); instead of `labels`. */
  label?: number;
  /** The label values to segment in one model (two or more: softmax over background and them, Dice +
   *  cross-entropy per label). Default: every label the cases' target masks use (label 1 when none). */
  labels?: number[];
  /** 2.5D: this many neighbouring slices on each side as extra input channels (at most 3; default 1 when the
   *  project's volumes have more than one slice, else 0: 2D); ignored with baseModelId (the base model's
   *  input decides). */
  neighbours?: number;
  /** Two coordinate planes after the image channels: each pixel's place on its slice (default true;
   *  ignored with baseModelId, whose input decides). */
  coordinates?: boolean;
  /** The networks the model holds, trained one after another on the same cases with seeds seed,
   *  seed + 1, ...; drafts average their probabilities (1..8; default DEFAULT_MEMBERS, 1; a
   *  semi-supervised run trains one). Each costs a network's training and its share of every draft. */
  members?: number;
  /** After the validated training, train the same network again from its start on every case, train and
   *  validation together, for as many epochs, keeping the last: that network is stored and drafts with the
   *  threshold and flips validation chose (default DEFAULT_REFIT for one network; an ensemble does not
   *  refit; a semi-supervised run always does). The stored model's validation Dice is then the validated
   *  network's: the refit has no case it did not train on. */
  refit?: boolean;
  /** Default: CT window center -600, width 1500 for CT volumes; z-score for MR; percentile otherwise. */
  normalisation?: Normalisation;
  /** Threads of the CPU kernels (default: one per CPU). */
  threads?: number;
  /** On-the-fly augmentation: 'nnunet' (default: nnU-Net's 2D transforms and probabilities, see
   *  training/augment/augment-config.ts) or 'none' (random mirroring only). */
  augmentation?: 'nnunet' | 'none';
  /** Also learn from the project's unlabelled cases (a volume, no manual mask nor reference; one label,
   *  one network; the run refits): the refit labels them as the model would draft them (the validated
   *  threshold and flips), and a third training (the student) learns from those pseudo-labels beside every
   *  labelled case, each voxel weighted by the refit's confidence (default false). Validation stays on
   *  labelled cases. */
  semiSupervised?: boolean;
  /** With semiSupervised: voxels whose confidence (0..1, the probability's distance from the threshold
   *  scaled to each side) is below this weigh 0 (default 0.5). */
  pseudoMinConfidence?: number;
  /** With semiSupervised: how many times the unlabelled cases are labelled, each time by the network
   *  trained last (the refit, then each student), each followed by a student trained from the start on
   *  those labels (1 to 5, default PSEUDO_ROUNDS: services/training/run-config.ts). */
  pseudoRounds?: number;
}

export interface TrainingProgressEvent extends TrainingProgress {
  runId: number;
  kind: 'batch' | 'epoch';
  validationDice?: number;
  caseDice?: Record<string, number>;
  /** Several labels: validation Dice per label value (string); validationDice is their mean. */
  labelDice?: Record<string, number>;
}

export interface TrainingStatusEvent {
  runId: number;
  status: RunStatus;
  modelId: number | null;
  error: string | null;
  backend: string | null;
}

export interface InferenceProgressEvent {
  jobId: string;
  /** Index of the volume in the request, and how many. */
  item: number;
  items: number;
  slice: number;
  slices: number;
}

export interface TrainingRequests {
  /** Starts a run in its own process; answers at once with the run (status 'running'). */
  'training:start': { req: TrainingStartRequest; res: RunInfo };
  /** Stops a running run after its current batch; the last checkpoint (end of an epoch) stays. */
  'training:cancel': { req: { runId: number }; res: { cancelled: boolean } };
  /** Continues a cancelled or failed run from its last checkpoint, optionally with more epochs in all. */
  'training:resume': { req: { runId: number; epochs?: number }; res: RunInfo };
  'training:list': { req: { projectId: number }; res: RunInfo[] };
  /** Which backends start on this machine, best first, probed once in a trainer process and cached. */
  'training:backends': { req: void; res: BackendAvailability[] };
  'training:get': { req: { runId: number }; res: RunDetail };
  /** How many of the project's cases are unlabelled (a volume, no manual mask nor signed-off reference):
   *  the cases a semi-supervised run would pseudo-label. */
  'training:unlabelled': { req: { projectId: number }; res: { cases: number } };
  'model:list': { req: { projectId?: number }; res: ModelInfo[] };
  'model:get': { req: { modelId: number }; res: ModelInfo };
  /** Writes the model package folder <dir>/<name>.concord-model; answers its path. */
  'model:export': { req: { modelId: number; dir: string }; res: { path: string } };
  /** Verifies and imports a model package folder; refused (nothing changed) when it does not verify. */
  'model:import': { req: { path: string; projectId?: number }; res: ModelInfo };
  /** Runs a model on volumes (in the trainer process, slice by slice) and stores each result as an
   *  "AI draft" derived annotation. Cancel with inference:cancel and the same jobId. `quick`: the quick
   *  draft (the model only inside the body's box; seconds for a CT with a quick-preset model). */
  'inference:run': {
    req: { jobId: string; modelId: number; volumeIds: number[]; quick?: boolean };
    res: DraftResult[];
  };
  'inference:cancel': { req: { jobId: string }; res: { cancelled: boolean } };
  /** A simple model's draft (marker-based watershed from seeds, Otsu, a CT window), computed in the trainer
   *  process and stored as a draft like a model's. Any signed-in profile: an annotator seeds it with clicks
   *  (a seeded draft stays theirs while the case is blinded). Cancel with inference:cancel and the jobId. */
  'draft:simple': { req: SimpleDraftRequest; res: SimpleDraftInfo };
  /** N augmented samples of one axial slice, as training makes them (nnU-Net's transforms and defaults). */
  'augment:preview': {
    req: { volumeId: number; slice: number; count: number; seed?: number; cropSize?: number };
    res: AugmentPreview;
  };
  /** The AI drafts of a volume (any signed-in profile: a model's draft reveals no annotator's work). */
  'draft:list': { req: { volumeId: number }; res: AnnotationInfo[] };
  /** The signed-in annotator's annotation of the draft's volume starts from the draft: its first revision
   *  holds the draft's labels (provenance: draft revision and model). Refused when it already has one. */
  'draft:start': { req: { draftAnnotationId: number }; res: { annotationId: number; revisionId: number } };
  /** Draft-versus-final Dice records (one per annotation marked done after starting from a draft). */
  'draft:outcomes': { req: { projectId: number }; res: DraftOutcome[] };
  /** Ranks the project's unlabelled cases (no annotation marked done, no reference) by the model's
   *  uncertainty, most uncertain first; computed in the trainer process. */
  'activeLearning:rank': {
    req: { jobId: string; projectId: number; modelId: number };
    res: UncertaintyRow[];
  };
  /** The last computed ranking (stored per model and volume), for the project's cases that are still
   *  unlabelled; cases never ranked by this model are left out. Instant: nothing is computed. */
  'activeLearning:stored': { req: { projectId: number; modelId: number }; res: UncertaintyRow[] };
}

export interface TrainingEvents {
  'training:progress': TrainingProgressEvent;
  'training:status': TrainingStatusEvent;
  'inference:progress': InferenceProgressEvent;
}

export const TRAINING_REQUEST_CHANNELS = [
  'training:start',
  'training:cancel',
  'training:resume',
  'training:list',
  'training:backends',
  'training:get',
  'training:unlabelled',
  'model:list',
  'model:get',
  'model:export',
  'model:import',
  'inference:run',
  'inference:cancel',
  'augment:preview',
  'draft:list',
  'draft:start',
  'draft:outcomes',
  'draft:simple',
  'activeLearning:rank',
  'activeLearning:stored',
] as const satisfies readonly (keyof TrainingRequests)[];

export const TRAINING_EVENT_CHANNELS = [
  'training:progress',
  'training:status',
  'inference:progress',
] as const satisfies readonly (keyof TrainingEvents)[];
