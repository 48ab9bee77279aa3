// A training run's configuration: the request checked and every default filled in (stored as the run's
// config, so a resumed run trains as the first start did), and what the trainer process is given.
import {
  DEFAULT_EPOCHS,
  DEFAULT_MEMBERS,
  DEFAULT_REFIT,
  DEFAULT_SPLIT_BY,
  type TrainingStartRequest,
} from '@contract';
import { InputError, NotFoundError } from '../../core/errors';
import type { Db } from '../../db/open';
import { getModel } from '../../db/repositories/models';
import { NNUNET_2D_DEFAULTS } from '../../training/augment/augment-config';
import { isBackendRequest } from '../../training/backends/backend-report';
import {
  COORDINATE_PLANES,
  imageChannels,
  inputMultiple,
  MAX_MEMBERS,
  type UNetConfig,
} from '../../training/model/unet-config';
import type { TrainConfig } from '../../training/process/protocol';

export /** The run's settings with every default filled in (stored as the run's config). Runs stored before
 *  the recipe's settings existed lack ema, tta, foregroundFraction, keepBest, calibrateThreshold,
 *  coordinates, members, splitBy and refit: storedConfig fills them as those runs trained (no average, no
 *  flips, a third of the crops on foreground, the last epoch kept, the matched threshold, no planes, one
 *  network, split by case, no refit). */
interface ResolvedConfig extends Required<
  Omit<
    TrainingStartRequest,
    | 'baseModelId'
    | 'normalisation'
    | 'threads'
    | 'labels'
    | 'semiSupervised'
    | 'pseudoMinConfidence'
    | 'pseudoRounds'
  >
> {
  /** The label values the model segments, in its channel order: one (a sigmoid output, `label`), or two
   *  or more (softmax over background and them). Runs stored before it read [label]. */
  labels: number[];
  baseModelId: number | null;
  /** Pseudo-labels on the unlabelled cases (data/pseudo-labels.ts), or null: labelled cases only.
   *  `labelRounds` is absent in runs stored before it (one round). Runs of an earlier version hold
   *  `rounds` instead (their pseudo-labels were made while training). */
  semiSupervised: { minConfidence: number; labelRounds?: number; rounds?: number } | null;
  normalisation: TrainingStartRequest['normalisation'] | null;
  threads: number | null;
  /** The batch when the trainer runs on webgpu, or null: batchSize on every backend. New runs store null.
   *  Runs stored while webgpu defaulted to 32 crops hold 32 where their request named no batch, and resume
   *  with it (absent in runs stored before that: null). */
  webgpuBatchSize: number | null;
}

/** A checked request whose data-dependent defaults (2.5D, crop size) wait for the project's volumes. */
export type RequestedConfig = Omit<ResolvedConfig, 'neighbours' | 'cropSize' | 'labels'> & {
  neighbours: number | null;
  cropSize: number | null;
  /** null: the labels the cases' masks use (withDataDefaults). */
  labels: number[] | null;
};

/** The decay of the weights' moving average (engine/weight-average.ts): about the last 100 steps. */
export const EMA_DECAY = 0.99;

/** Crops centred on foreground: a third of them, as nnU-Net oversamples and the quality benchmark does. */
export const FOREGROUND_FRACTION = 1 / 3;

/** A run's config as stored, with what older runs lacked filled in as they trained (no coordinate planes
 *  before they existed). */
export function storedConfig(raw: Record<string, unknown>): ResolvedConfig {
  const c = raw as unknown as ResolvedConfig;
  return {
    ...c,
    ema: c.ema ?? false,
    tta: c.tta ?? false,
    calibrateThreshold: c.calibrateThreshold ?? false,
    foregroundFraction: c.foregroundFraction ?? FOREGROUND_FRACTION,
    keepBest: c.keepBest ?? false,
    labels: c.labels ?? [c.label],
    semiSupervised: c.semiSupervised ?? null,
    webgpuBatchSize: c.webgpuBatchSize ?? null,
    coordinates: c.coordinates ?? false,
    members: c.members ?? 1,
    splitBy: c.splitBy ?? 'case',
    refit: c.refit ?? false,
  };
}

function splitByOf(v: unknown): ResolvedConfig['splitBy'] {
  if (v === undefined) return DEFAULT_SPLIT_BY;
  if (v === 'case' || v === 'subject') return v;
  throw new InputError(undefined, `splitBy is 'case' or 'subject', not '${String(v)}'`);
}

/** A request's label list: label values 1..255, each once, in ascending order (the network's channels). */
export function parseLabels(v: unknown): number[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0)
    throw new InputError(undefined, 'labels must be a non-empty list of label values');
  const out = v.map((x) => int(x, 'each label', 1, 255, 1));
  if (new Set(out).size !== out.length) throw new InputError(undefined, 'labels must not repeat a value');
  return out.sort((a, b) => a - b);
}

/** The confidence floor of a semi-supervised run's pseudo-labels (data/pseudo-labels.ts). */
export const PSEUDO_MIN_CONFIDENCE = 0.5;
/** How many times a semi-supervised run labels its unlabelled cases (one student after each). */
export const PSEUDO_ROUNDS = 1;
/** More rounds than this would train for hours for little (each round is a full training). */
export const MAX_PSEUDO_ROUNDS = 5;

function semiSupervisedOf(req: TrainingStartRequest): { minConfidence: number; labelRounds: number } | null {
  if (req.semiSupervised !== undefined && typeof req.semiSupervised !== 'boolean')
    throw new InputError(undefined, 'semiSupervised must be true or false');
  if (!req.semiSupervised) {
    if (req.pseudoMinConfidence !== undefined || req.pseudoRounds !== undefined)
      throw new InputError(
        undefined,
        'pseudoMinConfidence and pseudoRounds apply to semi-supervised runs only',
      );
    return null;
  }
  const minConfidence = req.pseudoMinConfidence ?? PSEUDO_MIN_CONFIDENCE;
  if (!(typeof minConfidence === 'number' && minConfidence >= 0 && minConfidence < 1))
    throw new InputError(undefined, `pseudoMinConfidence must be in [0, 1) (got ${String(minConfidence)})`);
  const labelRounds = int(req.pseudoRounds, 'pseudoRounds', 1, MAX_PSEUDO_ROUNDS, PSEUDO_ROUNDS);
  return { minConfidence, labelRounds };
}

/** An integer setting in lo..hi, or the default when absent. */
export function int(v: unknown, name: string, lo: number, hi: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
    throw new InputError(undefined, `${name} must be an integer in ${lo}..${hi} (got ${String(v)})`);
  return v;
}

export function resolveRunConfig(db: Db, req: TrainingStartRequest): RequestedConfig {
  if (typeof req !== 'object' || req === null)
    throw new InputError(undefined, 'a training request is an object');
  const backend = req.backend ?? 'auto';
  if (!isBackendRequest(backend))
    throw new InputError(
      undefined,
      `backend must be auto, tensorflow, webgpu, wasm or cpu (got '${String(backend)}')`,
    );
  const base = req.baseModelId !== undefined ? getModel(db, req.baseModelId) : undefined;
  if (req.baseModelId !== undefined && !base)
    throw new NotFoundError(`model ${req.baseModelId} does not exist`);
  const levels = base ? base.config.levels : int(req.levels, 'levels', 1, 6, 4);
  const cropSize = base
    ? base.cropSize
    : req.cropSize === undefined
      ? null
      : int(req.cropSize, 'cropSize', 8, 1024, 128);
  if (cropSize !== null && cropSize % 2 ** (levels - 1) !== 0)
    throw new InputError(
      undefined,
      `cropSize ${cropSize} must be a multiple of ${2 ** (levels - 1)} for ${levels} levels`,
    );
  const fraction = req.validationFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1))
    throw new InputError(undefined, 'validationFraction must be in (0, 1)');
  if (req.augmentation !== undefined && req.augmentation !== 'nnunet' && req.augmentation !== 'none')
    throw new InputError(
      undefined,
      `augmentation must be 'nnunet' or 'none' (got '${String(req.augmentation)}')`,
    );
  const lr = req.learningRate ?? 1e-3;
  if (!(lr > 0 && lr < 1)) throw new InputError(undefined, 'learningRate must be in (0, 1)');
  if (req.freezeEncoder && !base) throw new InputError(undefined, 'freezeEncoder needs a base model');
  const fg = req.foregroundFraction ?? FOREGROUND_FRACTION;
  if (!(fg >= 0 && fg <= 1)) throw new InputError(undefined, 'foregroundFraction must be in [0, 1]');
  const listed = parseLabels(req.labels);
  if (listed && req.label !== undefined)
    throw new InputError(undefined, 'give either label or labels, not both');
  if (base && listed && listed.join() !== base.labels.map((l) => l.value).join())
    throw new InputError(
      undefined,
      `the base model segments labels ${base.labels.map((l) => l.value).join(', ')}; fine-tuning keeps them`,
    );
  const single = req.label === undefined ? undefined : int(req.label, 'label', 1, 255, 1);
  const labels = base
    ? base.labels.map((l) => l.value)
    : (listed ?? (single !== undefined ? [single] : null));
  for (const k of ['ema', 'tta', 'keepBest', 'calibrateThreshold', 'coordinates', 'refit'] as const)
    if (req[k] !== undefined && typeof req[k] !== 'boolean')
      throw new InputError(undefined, `${k} must be true or false`);
  const epochs = int(req.epochs, 'epochs', 1, 10_000, DEFAULT_EPOCHS);
  const semiSupervised = semiSupervisedOf(req);
  const members = int(req.members, 'members', 1, MAX_MEMBERS, DEFAULT_MEMBERS);
  if (semiSupervised && members > 1)
    throw new InputError(
      undefined,
      `a semi-supervised run trains one network (its pseudo-labels are that network's); got members ${members}`,
    );
  // The refit trains one network again on every case; an ensemble's networks are not refitted (on by
  // default only where it can run). A semi-supervised run's refit is where it learns from the
  // pseudo-labels: it always refits.
  if (req.refit && members > 1)
    throw new InputError(
      undefined,
      `the refit trains one network again on every case; an ensemble (members ${members}) does not refit`,
    );
  if (req.refit === false && semiSupervised)
    throw new InputError(
      undefined,
      'a semi-supervised run needs its refit (the network trained again on every labelled case labels the unlabelled cases): it cannot go without',
    );
  const refit = semiSupervised !== null || (req.refit ?? (DEFAULT_REFIT && members === 1));
  return {
    projectId: req.projectId,
    target: req.target ?? 'agreement',
    epochs,
    baseModelId: base?.id ?? null,
    freezeEncoder: req.freezeEncoder ?? false,
    augmentation: req.augmentation ?? 'nnunet',
    backend,
    levels,
    base: base ? base.config.base : int(req.base, 'base', 1, 256, 16),
    cropSize,
    batchSize: int(req.batchSize, 'batchSize', 1, 1024, 16),
    // One default batch on every backend, webgpu included: 32 crops there (a GPU step costs nearly the same
    // at 16 or 32) halved the steps of the product's recipe and lost held-out Dice
    // (bench/RESULTS-validation.md, "A batch of 32"). --batch 32 stays the user's choice.
    webgpuBatchSize: null,
    learningRate: lr,
    ema: req.ema ?? true,
    tta: req.tta ?? true,
    calibrateThreshold: req.calibrateThreshold ?? true,
    foregroundFraction: fg,
    keepBest: req.keepBest ?? true,
    validationFraction: fraction,
    splitBy: splitByOf(req.splitBy),
    seed: int(req.seed, 'seed', 0, 2 ** 31 - 1, 1),
    label: labels?.[0] ?? 1,
    labels,
    neighbours: base
      ? (imageChannels(base.config) - 1) / 2
      : req.neighbours === undefined
        ? null
        : int(req.neighbours, 'neighbours', 0, 3, 0),
    coordinates: base ? base.config.coordinates === true : (req.coordinates ?? true),
    normalisation: base ? base.normalisation : (req.normalisation ?? null),
    threads: req.threads === undefined ? null : int(req.threads, 'threads', 1, 256, 1),
    semiSupervised,
    members,
    refit,
  };
}

/** The data-dependent defaults from the project's volumes (dims [nx, ny, nz], i fastest): 2.5D with one
 *  slice on each side when any volume has more than one slice; crops of 128 pixels, or of half the
 *  smallest slice side (rounded down to the network's multiple) when that is less, so that crops are
 *  random windows of a slice rather than the slice padded; the labels: those the target's masks use
 *  (`used`, ascending; label 1 when they are all empty), every one of them in one model. */
export function withDataDefaults(
  c: RequestedConfig,
  dims: [number, number, number][],
  used: number[] = [],
): ResolvedConfig {
  const labels = c.labels ?? (used.length > 0 ? [...used].sort((a, b) => a - b) : [1]);
  const neighbours = c.neighbours ?? (dims.some((d) => d[2] > 1) ? 1 : 0);
  let cropSize = c.cropSize;
  if (cropSize === null) {
    const m = 2 ** (c.levels - 1);
    const side = Math.min(...dims.map((d) => Math.min(d[0], d[1])));
    cropSize = Math.max(m, Math.min(128, Math.floor(side / 2 / m) * m));
  }
  return { ...c, neighbours, cropSize, labels, label: labels[0]! };
}

/** The network a resolved configuration trains (without its input scaling, which the trainer chooses). */
export function unetConfigOf(c: ResolvedConfig): UNetConfig {
  return {
    levels: c.levels,
    base: c.base,
    inChannels: 2 * c.neighbours + 1 + (c.coordinates ? COORDINATE_PLANES : 0),
    labels: c.labels.length,
    ...(c.coordinates ? { coordinates: true } : {}),
    ...(c.members > 1 ? { members: c.members } : {}),
  };
}

/** What the trainer process is told to do with a resolved configuration. */
export function trainConfig(c: ResolvedConfig): TrainConfig {
  const unet = unetConfigOf(c);
  if (c.cropSize % inputMultiple(unet) !== 0)
    throw new InputError(undefined, 'crop size does not fit the network');
  return {
    unet,
    cropSize: c.cropSize,
    batchSize: c.batchSize,
    ...(c.webgpuBatchSize ? { webgpuBatchSize: c.webgpuBatchSize } : {}),
    epochs: c.epochs,
    learningRate: c.learningRate,
    seed: c.seed,
    foregroundFraction: c.foregroundFraction,
    freezeEncoder: c.freezeEncoder,
    // The average does the settling (the quality benchmark's recipe: a cosine decay under it lost Dice late).
    schedule: c.ema ? 'constant' : 'cosine',
    ...(c.ema ? { averageDecay: EMA_DECAY } : {}),
    keepBest: c.keepBest,
    tta: c.tta,
    calibrateThreshold: c.calibrateThreshold,
    augment: c.augmentation === 'none' ? null : NNUNET_2D_DEFAULTS,
    backend: c.backend,
    ...(c.threads ? { threads: c.threads } : {}),
    ...(c.semiSupervised ? { semiSupervised: c.semiSupervised } : {}),
    ...(c.refit ? { refit: true } : {}),
  };
}
