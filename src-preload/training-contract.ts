// The training part of the contract (issue 5): runs, the model registry, inference (AI drafts), active
// learning and draft outcomes. Types only; src-preload/contract.ts includes these channels. Described for
// the UI in tmp/TRAINING-CONTRACT.md.
import type { AnnotationInfo } from './contract';

/** What a run trains towards, per case: the signed-off reference (derived annotations with method
 *  'reference'), the majority vote of the case's annotators, STAPLE's probability (a soft target), or one
 *  annotator's mask ('annotator:<name>'). */
export type TrainingTarget = 'reference' | 'vote' | 'staple' | `annotator:${string}`;

export type TrainingBackendRequest = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

/** Intensity normalisation, applied the same way in training and inference. CT: clip to the window
 *  [center - width/2, center + width/2] HU and scale to [0, 1]. 'zscore' (MR, the default there): per
 *  volume, (v - mean) / std clipped to +-5 standard deviations and scaled to [0, 1], i.e. the model sees
 *  (z + 5) / 10. 'percentile': clip to the volume's low..high percentiles and scale to [0, 1] (other
 *  modalities). */
export type Normalisation =
  | { kind: 'ct-window'; center: number; width: number }
  | { kind: 'zscore' }
  | { kind: 'percentile'; low: number; high: number };

export interface TrainingStartRequest {
  projectId: number;
  target: TrainingTarget;
  /** Default 20. */
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
  /** Side of the square training crops in pixels (default 128; a multiple of 2^(levels-1)). */
  cropSize?: number;
  /** Default 8. */
  batchSize?: number;
  /** Adam's learning rate (default 1e-3), cosine-decayed over the epochs. */
  learningRate?: number;
  /** Fraction of cases held out for validation (default 0.2; at least one case each side). */
  validationFraction?: number;
  /** Seed of the split, the initial weights, the crops and their order (default 1). */
  seed?: number;
  /** Label value to segment (default 1). */
  label?: number;
  /** 2.5D: this many neighbouring slices on each side as extra input channels (default 0: 2D; at most 3);
   *  ignored with baseModelId (the base model's input decides). */
  neighbours?: number;
  /** Default: CT window center -600, width 1500 for CT volumes; z-score for MR; percentile otherwise. */
  normalisation?: Normalisation;
  /** Threads of the CPU kernels (default: one per CPU). */
  threads?: number;
  /** On-the-fly augmentation: 'nnunet' (default: nnU-Net's 2D transforms and probabilities, see
   *  training/augment/augment-config.ts) or 'none' (random mirroring only). */
  augmentation?: 'nnunet' | 'none';
}

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
  epochs: number;
  epochsDone: number;
  split: { train: number[]; validation: number[] };
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
  config: { levels: number; base: number; inChannels: number; labels: number };
  /** Label values the outputs stand for, with their names. */
  labels: { value: number; name: string }[];
  normalisation: Normalisation;
  cropSize: number;
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

export interface TrainingProgressEvent {
  runId: number;
  kind: 'batch' | 'epoch';
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  imagesPerSecond: number;
  elapsedSeconds: number;
  etaSeconds: number;
  validationDice?: number;
  caseDice?: Record<string, number>;
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

export interface DraftResult {
  volumeId: number;
  annotationId: number;
  revisionId: number;
  foregroundVoxels: number;
  meanEntropyBits: number;
}

export interface UncertaintyRow {
  caseId: number;
  caseName: string;
  volumeId: number;
  /** Mean over every voxel of the volume of the binary entropy of the model's probability, in bits. */
  meanEntropyBits: number;
}

export interface DraftOutcome {
  id: number;
  annotationId: number;
  draftRevisionId: number;
  finalRevisionId: number;
  modelId: number | null;
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
  'model:list': { req: { projectId?: number }; res: ModelInfo[] };
  'model:get': { req: { modelId: number }; res: ModelInfo };
  /** Writes the model package folder <dir>/<name>.concord-model; answers its path. */
  'model:export': { req: { modelId: number; dir: string }; res: { path: string } };
  /** Verifies and imports a model package folder; refused (nothing changed) when it does not verify. */
  'model:import': { req: { path: string; projectId?: number }; res: ModelInfo };
  /** Runs a model on volumes (in the trainer process, slice by slice) and stores each result as an
   *  "AI draft" derived annotation. Cancel with inference:cancel and the same jobId. */
  'inference:run': { req: { jobId: string; modelId: number; volumeIds: number[] }; res: DraftResult[] };
  'inference:cancel': { req: { jobId: string }; res: { cancelled: boolean } };
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
  'activeLearning:rank',
  'activeLearning:stored',
] as const satisfies readonly (keyof TrainingRequests)[];

export const TRAINING_EVENT_CHANNELS = [
  'training:progress',
  'training:status',
  'inference:progress',
] as const satisfies readonly (keyof TrainingEvents)[];
