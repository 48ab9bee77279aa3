// The typed messages between a host (main process, web host, CLI) and its trainer process. The trainer
// owns no database: it reads the files its job names (data set, checkpoint, weights, voxels), writes its
// checkpoints and outputs into the job's folder, and reports by message. So a trainer that crashes or is
// killed cannot damage the workspace; its host marks the run failed.
//
// Files (all in the tensor container of tensor-file.ts):
//   dataset.bin     meta DatasetMeta; tensors `case<i>.images` and `case<i>.targets`, uint8 [slices, ny, nx]
//                   (images normalised to 0..255, targets 0..255 = foreground probability); with several
//                   labels targets are [slices, L, ny, nx], one plane per label (data/multi-label.ts)
//   checkpoint.bin  meta CheckpointMeta; the model's weights by name, then `adam/<i>` optimizer state
//   weights file    meta WeightsMeta; the model's weights by name (what a model package stores); an
//                   ensemble's as `member<k>/<name>` (model/ensemble.ts)
//   member<k>.bin   an ensemble's member k (1-based) as kept at its end (a weights file of one network),
//                   written before member k+1 starts, so a resumed run skips the members done
//   validated.json  a refitting run's validated outcome (ValidatedOutcome, JSON), written before the refit
//                   starts, so a run resumed in its refit does not train and calibrate the first network again
//   pseudo.bin      a semi-supervised run's pseudo-labelled slices (process/pseudo-cases.ts), written when its
//                   refit ends, before the student's first checkpoint; pseudo-2.bin... those of the later
//                   rounds, each written when the student before it ends
import type { Normalisation, TrainingProgress } from '../../core/model';
import type { SimpleDraftParams, SimpleDraftResult } from '../../core/simple-models/simple-draft';
import type { AugmentConfig } from '../augment/augment-config';
import type { BackendReport, BackendRequest } from '../backends/backend-report';
import type { InputScaling, UNetConfig } from '../model/unet-config';
import type { PseudoStats } from './pseudo-cases';

export const TRAINER_PROTOCOL_VERSION = 1;

/** File names inside a run folder. */
export const DATASET_FILE = 'dataset.bin';
export const CHECKPOINT_FILE = 'checkpoint.bin';
export const WEIGHTS_FILE = 'weights.bin';
/** The best epoch's weights so far (the average's, with one), written when an epoch beats it. */
export const BEST_FILE = 'best.bin';
/** An ensemble's member k (from 0) as kept, in the run folder. */
export const memberFile = (k: number): string => `member${k + 1}.bin`;
/** A refitting run's validated outcome, once the refit has started (JSON: ValidatedOutcome). */
export const VALIDATED_FILE = 'validated.json';
/** Written by the host to ask a training job to stop. The train loop runs batch after batch without
 *  returning to the event loop (an awaited tensor read resolves as a microtask), so an IPC message would
 *  wait for the epoch's end; this file is checked after every batch. */
export const CANCEL_FILE = 'cancel';

export interface DatasetCase {
  caseId: number;
  caseName: string;
  /** 'unlabelled': a case without masks, for a semi-supervised run's pseudo-labels (its targets are 0 in
   *  the data set; process/pseudo-cases.ts labels it). */
  split: 'train' | 'validation' | 'unlabelled';
  slices: number;
  width: number;
  height: number;
}

export interface DatasetMeta {
  cases: DatasetCase[];
  /** Image channels per slice: 1, or 2h+1 for 2.5D (absent: 1). Images are [slices, channels, ny, nx]. */
  channels?: number;
  /** Targets are probabilities (STAPLE, the raters' agreement) rather than 0/1 masks. */
  soft: boolean;
  /** How the targets were made (absent in data sets written before it: vote, staple or single). */
  combine?: PrepareSpec['combine'];
  /** Raters per case id (string), for 'agreement': the validation reference is their strict majority. */
  raters?: Record<string, number>;
  /** The label values, in the network's channel order (1..L), when there are two or more (softmax). */
  labels?: number[];
}

export interface TrainConfig {
  unet: UNetConfig;
  cropSize: number;
  batchSize: number;
  /** The batch instead of batchSize when the backend is webgpu: runs stored while webgpu defaulted to 32
   *  (absent: batchSize everywhere). */
  webgpuBatchSize?: number;
  /** Epochs in all (a resumed run continues up to this). */
  epochs: number;
  learningRate: number;
  seed: number;
  /** Fraction of crops centred on a foreground pixel of a slice that has one (nnU-Net oversamples foreground
   *  a third of the time). */
  foregroundFraction: number;
  /** Learning rate over the epochs (absent: cosine, as runs before the weight average trained). */
  schedule?: 'cosine' | 'constant';
  /** Validate, keep and store a moving average of the weights with this decay (absent: none). */
  averageDecay?: number;
  /** Store the epoch with the best validation Dice (absent or false: the last). */
  keepBest?: boolean;
  /** Validate the stored model with and without the slices' flips; drafts use them when they score higher. */
  tta?: boolean;
  /** Choose the drafts' probability threshold on validation (process/calibrate.ts; absent or false: the
   *  target's matched threshold, as runs before it). */
  calibrateThreshold?: boolean;
  freezeEncoder: boolean;
  /** On-the-fly augmentation (null: random mirroring only). */
  augment: AugmentConfig | null;
  backend: BackendRequest;
  threads?: number;
  /** Semi-supervised (with refit): the refit labels the data set's unlabelled cases
   *  (process/pseudo-cases.ts) and a third training (the student) runs on them beside every labelled case;
   *  with `labelRounds` (absent: 1) above 1, each student labels them again for the next. Voxels whose
   *  confidence is below `minConfidence` weigh 0. Absent: the labelled cases only. (Runs of an earlier
   *  version stored `rounds`, pseudo-labels made during the validated training; they cannot resume.) */
  semiSupervised?: { minConfidence: number; labelRounds?: number; rounds?: number };
  /** One network: after its validated training (and the choice of threshold and flips), train it again from
   *  its start on every labelled case (and a semi-supervised run's pseudo-labelled ones) for `epochs` more
   *  epochs, keeping the last; that network is stored (process/train-job.ts). Absent: the validated network
   *  is stored. */
  refit?: boolean;
}

/** What the trainer needs to build dataset.bin (prepare-dataset.ts); planned by the host from the
 *  database, as file paths only. */
export interface PrepareSpec {
  /** How a case's masks become its target ('agreement': the share of the masks marking each voxel). */
  combine: 'agreement' | 'vote' | 'staple' | 'single';
  /** The label value that is foreground in the masks (one label: a sigmoid output). */
  label: number;
  /** Two or more label values, in the network's channel order (1..L; softmax over background and them);
   *  absent: `label` alone. */
  labels?: number[];
  normalisation: Normalisation;
  seed: number;
  /** 2.5D: neighbouring slices on each side stored as channels (0: 2D). */
  neighbours: number;
  cases: {
    caseId: number;
    caseName: string;
    /** 'unlabelled': no masks (maskFiles empty); kept only for a semi-supervised run. */
    split: 'train' | 'validation' | 'unlabelled';
    voxelsFile: string;
    scalarType: InferInput['scalarType'];
    dims: [number, number, number];
    rescale: { slope: number; intercept: number };
    /** Encoded mask blobs (workspace/mask-codec.ts) on the volume's grid. */
    maskFiles: string[];
  }[];
}

export interface TrainJob {
  kind: 'train';
  /** Build runDir/dataset.bin first (a new run); absent when resuming (it is there already). */
  prepare?: PrepareSpec;
  /** Folder of the run: dataset.bin is read from it, checkpoint.bin and weights.bin written to it. */
  runDir: string;
  config: TrainConfig;
  /** Weights file to start from (transfer learning); ignored when resuming. */
  initialWeights?: string;
  /** Continue from runDir/checkpoint.bin. */
  resume: boolean;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  seconds: number;
  imagesPerSecond: number;
  learningRate: number;
  validationDice: number | null;
  /** Case id (string) -> Dice pooled over that case's validation slices (several labels: the labels' mean). */
  caseDice: Record<string, number>;
  /** Several labels: label value (string) -> its validation Dice; validationDice is their mean. */
  labelDice?: Record<string, number>;
  /** An ensemble's run: the member (1-based) this epoch trained. Its epochs are numbered through the
   *  run: member k's epoch e (from 0) is (k - 1) * epochs + e. */
  member?: number;
  /** An epoch of the refit (on every case, so without validation): numbered after the validated ones. */
  refit?: true;
}

export interface CheckpointMeta {
  protocol: number;
  /** Epochs completed; training resumes at this epoch index (numbered through an ensemble's members, as
   *  EpochRecord's). The crops, their order and flips of epoch e depend only on (seed, member, e, batch),
   *  so this is the whole random-number position. */
  nextEpoch: number;
  /** The member (from 0) whose state this is (absent: 0, as checkpoints before ensembles); a refit's
   *  state is its run's member count (after the validated network, 0). */
  member?: number;
  config: TrainConfig;
  history: EpochRecord[];
  /** Names of the optimizer state tensors (Adam's iteration count, then first and second moments). */
  optimizer: string[];
  trainSeconds: number;
  /** Names of the weight average's tensors (`ema/<name>`) and its update count (with averageDecay). */
  average?: { names: string[]; updates: number };
  /** The best validated epoch so far, whose weights are in best.bin (with keepBest). */
  best?: { epoch: number; dice: number };
  /** The model's input scaling (unet-config.ts), so a resumed run keeps it; absent in older checkpoints. */
  input?: InputScaling;
}

export interface WeightsMeta {
  unet: UNetConfig;
}

export interface InferInput {
  /** Raw stored voxels (little-endian, i fastest) of scalarType, e.g. a workspace voxel blob. */
  voxelsFile: string;
  scalarType: 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';
  dims: [number, number, number];
  rescale: { slope: number; intercept: number };
  /** Where to write the labels (uint8, the input's grid and layout). */
  outFile: string;
}

export interface InferJob {
  kind: 'infer';
  weightsFile: string;
  normalisation: Normalisation;
  /** Label value written for foreground (a one-label model). */
  label: number;
  /** A model of several labels: the value written for each class 1..L (the model's label list, in order). */
  labels?: number[];
  inputs: InferInput[];
  /** Slices per forward pass (default 4; the quick draft 8). */
  batchSize?: number;
  backend: BackendRequest;
  threads?: number;
  /** The quick draft (engine/quick-infer.ts): only inside the body's box (CT windows). */
  quick?: boolean;
  /** Foreground when the probability exceeds this (default 0.5). */
  threshold?: number;
  /** Average the probability over the slice's 4 flips (default false). */
  tta?: boolean;
}

/** Starts `auto` and reports which backend runs and why each other one does not. */
export interface ProbeJob {
  kind: 'probe';
}

/** A simple model's draft (core/simple-models): no network weights, the same process for the same reason
 *  (heavy work off the host's event loop, with cancel). */
export interface SimpleDraftJob {
  kind: 'simple';
  input: InferInput & { spacing: [number, number, number] };
  params: SimpleDraftParams;
}

export type SimpleDraftOutcome = Omit<SimpleDraftResult, 'labels'>;

export type TrainerJob = TrainJob | InferJob | ProbeJob | SimpleDraftJob;

/** Host -> trainer. */
export type ToTrainer = { type: 'start'; job: TrainerJob } | { type: 'cancel' };

export interface InferOutcome {
  foregroundVoxels: number;
  /** Mean over every voxel of the entropy of the model's distribution, in bits (binary for one label:
   *  0..1; over background and the labels otherwise). */
  meanEntropyBits: number;
  /** Several labels: per label value, the voxels drafted as it and their mean entropy and 1 - top
   *  probability (engine/infer-volume.ts). */
  perLabel?: { value: number; voxels: number; meanEntropyBits: number; meanOneMinusMax: number }[];
}

export interface TrainOutcome {
  epochs: EpochRecord[];
  /** runDir/weights.bin */
  weightsFile: string;
  trainSeconds: number;
  /** The epoch whose weights were stored (the best validated, or the last), and how they were chosen. */
  keptEpoch?: number;
  kept?: 'best' | 'last';
  /** Validation's probability threshold (0.5, or between the shares of raters the majority leaves out and
   *  keeps, for the agreement target). */
  threshold?: number;
  /** The stored weights' validation Dice with and without test-time augmentation, and whether drafts use it. */
  tta?: { plain: number; flipped: number; on: boolean; labelDice?: Record<string, number> };
  /** One label: the validation scan that chose `threshold` and the flips (process/calibrate.ts); `tta`'s
   *  Dice are then at the chosen threshold. */
  calibration?: {
    matched: number;
    scan: { threshold: number; dice: number; diceWithFlips: number | null }[];
  };
  /** The weight average's decay, when the stored weights are an average. */
  averageDecay?: number;
  /** The stored model's input scaling (unet-config.ts), as its weights file's meta holds it. */
  input?: InputScaling;
  /** Several labels: their values in the network's channel order (1..L), and the kept epoch's Dice per
   *  label value (string). */
  labels?: number[];
  labelDice?: Record<string, number>;
  /** An ensemble: each member's kept epoch (numbered through the run) and validation Dice, and the
   *  ensemble's own at the matched threshold without flips (what the model's validation Dice is), with its
   *  per-case and (several labels) per-label Dice. */
  ensemble?: {
    members: { keptEpoch: number | null; dice: number | null }[];
    dice: number;
    caseDice: Record<string, number>;
    labelDice?: Record<string, number>;
  };
  /** A refitting run: the refit's epochs and the epoch it stored (its last, numbered through the run), the
   *  labelled cases and slices it trained on (a semi-supervised run's pseudo-labelled ones not counted),
   *  and its training seconds. keptEpoch, the Dice, threshold and flips above are the validated
   *  network's. */
  refit?: { epochs: number; keptEpoch: number; cases: number; slices: number; seconds: number };
  /** A semi-supervised run: the labels on the unlabelled cases that the last student (the stored network;
   *  `refit` above describes it) trained on (process/pseudo-cases.ts), made by the refit or, after the
   *  first of `rounds`, by the student before; with the confidence floor and the threshold and flips used. */
  pseudo?: PseudoStats & { minConfidence: number; threshold: number; tta: boolean; rounds: number };
}

/** What the validated network of a refitting run chose, kept in VALIDATED_FILE while the refit trains. */
export type ValidatedOutcome = Pick<
  TrainOutcome,
  'keptEpoch' | 'kept' | 'threshold' | 'tta' | 'calibration' | 'labelDice'
>;

/** Trainer -> host. */
export type FromTrainer =
  | { type: 'backend'; report: BackendReport }
  | { type: 'log'; line: string }
  /** The data set is built: slices kept per case id. */
  | { type: 'prepared'; slices: Record<string, number> }
  | { type: 'batch'; progress: TrainingProgress }
  /** Sent after the epoch's checkpoint is on disk. */
  | { type: 'epoch'; record: EpochRecord; progress: TrainingProgress }
  | { type: 'slice'; item: number; items: number; slice: number; slices: number }
  /** Progress of a job that is not slice by slice (a simple draft): fraction 0..1 and its stage. */
  | { type: 'progress'; fraction: number; stage: string }
  | {
      type: 'done';
      train?: TrainOutcome;
      infer?: InferOutcome[];
      probe?: BackendReport;
      simple?: SimpleDraftOutcome;
    }
  | { type: 'cancelled' }
  | { type: 'error'; error: { name: string; message: string } };
