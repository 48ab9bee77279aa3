// Training's entities: what a run trains towards, intensity normalisation (shared by training and
// inference), runs with their per-epoch metrics, backends, the model registry, AI drafts and what they were
// worth, uncertainty rankings and augmentation previews.

/** What a run trains towards, per case: the share of the case's raters marking each voxel ('agreement', a
 *  soft target: the default), the signed-off reference (derived annotations with method 'reference'), the
 *  majority vote of the case's annotators, STAPLE's probability (a soft target), or one annotator's mask
 *  ('annotator:<name>'). */
export type TrainingTarget = 'agreement' | 'reference' | 'vote' | 'staple' | `annotator:${string}`;

export type TrainingBackendRequest = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

/** Intensity normalisation, applied the same way in training and inference. CT: clip to the window
 *  [center - width/2, center + width/2] HU and scale to [0, 1]. 'zscore' (MR, the default there): per
 *  volume, (v - mean) / std clipped to +-5 standard deviations and scaled to [0, 1], i.e. the model sees
 *  (z + 5) / 10. 'percentile': clip to the volume's low..high percentiles and scale to [0, 1] (other
 *  modalities). */
/** A CT window in HU: clip to [center - width/2, center + width/2] and scale to [0, 1]. */
export interface CtWindow {
  kind: 'ct-window';
  center: number;
  width: number;
}

export type Normalisation = CtWindow | { kind: 'zscore' } | { kind: 'percentile'; low: number; high: number };

export type RunStatus = 'running' | 'cancelled' | 'failed' | 'completed';

export interface EpochMetrics {
  epoch: number;
  loss: number;
  /** Pooled over every pixel of the validation cases' slices (empty slices included). */
  validationDice: number | null;
  seconds: number;
  imagesPerSecond: number;
  learningRate: number | null;
}

export interface RunInfo {
  id: number;
  projectId: number;
  status: RunStatus;
  target: TrainingTarget;
  config: Record<string, unknown>;
  /** The backend that ran (selectBackend's choice), null before the trainer started. */
  backend: string | null;
  backendDevice: string | null;
  baseModelId: number | null;
  modelId: number | null;
  /** Epochs in all: an ensemble's are its members' epochs, one member after another; a refit's, the
   *  validated network's and then as many again on every case (a semi-supervised run's: then as many
   *  again with the pseudo-labels, once per label round). */
  epochs: number;
  /** The networks the run trains (an ensemble of them when more than 1). */
  members: number;
  /** The run trains again on every case after its validated training (TrainingStartRequest.refit). */
  refit: boolean;
  /** The run also learns from the project's unlabelled cases (TrainingStartRequest.semiSupervised): after
   *  the refit, its student trains again with the refit's pseudo-labels. */
  semiSupervised: boolean;
  /** A semi-supervised run's label rounds (TrainingStartRequest.pseudoRounds): a student after each, the
   *  refit labelling for the first and each student for the next; 0 for other runs. */
  labelRounds: number;
  epochsDone: number;
  /** Case ids; what the split kept whole; the people the validation cases are of, and how many validation
   *  cases share one with a training case (runs before subjects: the last three absent). */
  split: {
    train: number[];
    validation: number[];
    by?: 'case' | 'subject';
    validationSubjects?: number;
    sharedSubjects?: number;
  };
  error: string | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  trainSeconds: number;
  /** Whether a checkpoint exists to resume from (cancelled or failed runs). */
  resumable: boolean;
}

export interface BackendAvailability {
  backend: 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
  /** It starts here (whether or not 'auto' would pick it). */
  available: boolean;
  /** Why it is not available, or why 'auto' would not pick it; null for auto's choice. */
  reason: string | null;
  /** What computes, for auto's choice (e.g. "WebAssembly SIMD, 2 threads"); null otherwise. */
  device: string | null;
}

export interface RunDetail extends RunInfo {
  /** Why each other backend did not run (the run's backend report), empty before the trainer started. */
  backendUnavailable: { backend: string; reason: string }[];
  metrics: EpochMetrics[];
  /** Validation Dice per case (case id as a string) after each epoch: epoch -> case -> Dice. */
  caseDice: Record<string, Record<string, number>>;
  /** Training data: per case, the revision ids its target was computed from. */
  trainingData: Record<string, unknown>;
  log: string;
}

export interface ModelInfo {
  id: number;
  projectId: number | null;
  name: string;
  architecture: string;
  formatVersion: number;
  /** The U-Net's shape, and its own input scaling (training/model/unet-config.ts: inputs z-scored by the
   *  training slices' mean and std of the normalised 0..1 values; absent for models that take them as
   *  they are, as every model trained before it did). */
  config: {
    levels: number;
    base: number;
    inChannels: number;
    labels: number;
    input?: { mean: number; std: number };
    /** Two coordinate planes after the image channels (inChannels counts them). */
    coordinates?: boolean;
    /** An ensemble of this many networks of the shape above, their probabilities averaged (absent: 1). */
    members?: number;
  };
  /** Label values the outputs stand for, with their names. */
  labels: { value: number; name: string }[];
  normalisation: Normalisation;
  cropSize: number;
  /** How drafts are made with it: the foreground probability threshold (0.5 unless trained on the raters'
   *  agreement) and whether the probability is averaged over the slice's flips (test-time augmentation).
   *  Models stored before these were recorded read 0.5 and no flips. */
  inference: ModelInference;
  trainingData: Record<string, unknown>;
  metrics: Record<string, unknown>;
  backend: string | null;
  parentModelId: number | null;
  runId: number | null;
  origin: 'trained' | 'imported';
  weightsSha256: string;
  createdBy: string;
  createdAt: string;
}

/** The card of a starter model: a model trained on public data that Concord ships in every workspace's
 *  registry, so that a team's first run can start from it (transfer) rather than from random weights. Kept
 *  in the model's trainingData under `starter` (services/training/starter-model.ts), so it travels with
 *  the model's package. */
export interface StarterCard {
  /** Stable across workspaces: a workspace holds a starter once, whatever its model id there. */
  id: string;
  /** What it was trained on: the data set, its source and the patients (none of the benchmarks' held-out
   *  or reserved ones). */
  data: { name: string; source: string; cases: number; slices: number; patients: string[] };
  licence: string;
  attribution: string;
  /** How it was trained: the commands, in order, and the run's resolved settings. */
  recipe: { commands: string[]; config: Record<string, unknown>; trainSeconds: number | null };
  /** Its drafts of the held-out patients (`bench holdout`): Dice pooled over every voxel. */
  metrics: { heldOutDice: number; heldOutCases: number; heldOutPatients: string[]; reference: string };
}

export interface ModelInference {
  threshold: number;
  tta: boolean;
}

export interface DraftResult {
  volumeId: number;
  annotationId: number;
  revisionId: number;
  foregroundVoxels: number;
  meanEntropyBits: number;
  /** A model of several labels: per label value, the voxels drafted as it and, over them, the mean entropy
   *  in bits and the mean of 1 - the top probability (where the model hesitates on each structure). */
  perLabel?: LabelUncertaintyRow[];
}

export interface LabelUncertaintyRow {
  value: number;
  voxels: number;
  meanEntropyBits: number;
  meanOneMinusMax: number;
}

/** A simple model's stored draft (watershed, Otsu, CT window). */
export interface SimpleDraftInfo {
  volumeId: number;
  annotationId: number;
  revisionId: number;
  method: 'watershed' | 'otsu' | 'window';
  foregroundVoxels: number;
  /** Otsu's threshold (physical units: HU for CT); null for the other methods. */
  threshold: number | null;
}

export interface UncertaintyRow {
  caseId: number;
  caseName: string;
  volumeId: number;
  /** Mean over every voxel of the volume of the binary entropy of the model's probability, in bits. */
  meanEntropyBits: number;
  /** A model of several labels, when just computed (not kept with the stored ranking): per label. */
  perLabel?: LabelUncertaintyRow[];
}

export interface DraftOutcome {
  id: number;
  annotationId: number;
  draftRevisionId: number;
  finalRevisionId: number;
  modelId: number | null;
  /** What made the draft: 'unet' (a registry model, modelId) or a simple model (watershed, otsu, window). */
  method: string;
  dice: number;
  recordedBy: string;
  recordedAt: string;
}

export interface AugmentPreview {
  /** Size of the crop (at most cropSize; the slice's size when smaller). */
  width: number;
  height: number;
  /** [i0, j0]: the crop's first voxel in the slice (centred on the caller's mask, else the slice). */
  origin: [number, number];
  normalisation: Normalisation;
  samples: {
    /** Normalised intensities 0..1 (3 decimals), i fastest (i + j*width). */
    image: number[];
    /** The caller's own mask of the slice under the same geometry, 0/1; null when they have none. */
    mask: number[] | null;
    /** What was applied, e.g. ["rotate 12°", "gamma 0.82"]. */
    applied: string[];
  }[];
}

/** Where a training run stands, as the training loop reports it after each batch and epoch. Epochs and
 *  batches count from 0; loss is the last batch's (after a batch) or the epoch's mean (after an epoch);
 *  images/s over the epoch so far; seconds since the run (or its resumption) began, and the estimate left. */
export interface TrainingProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  imagesPerSecond: number;
  elapsedSeconds: number;
  etaSeconds: number;
}
