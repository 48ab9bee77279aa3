// Segmentation quality of the reference U-Net on the LIDC-IDRI nodule crops: trained on the majority vote
// of four radiologists (or on the share of them marking each pixel), validated against the vote on
// held-out patients (Dice pooled over all their slices, empty ones included), with the training time.
// The bar it is held to is a validation Dice of at least 0.75.
import type { TiePolicy } from '../../core/consensus/vote';
import { InputError } from '../../core/errors';
import type { AugmentConfig } from '../../training/augment/augment-config';
import { isLidcPack, readLidcPack } from '../lidc/lidc-pack';
import type { SliceSample } from '../lidc/lidc-slices';
import type { LossWeights } from '../../training/model/loss';
import { withNeighbours } from '../lidc/neighbour-slices';
import { withCentreDistance } from '../lidc/centre-distance';
import { agreementThreshold } from '../../training/data/agreement';
import { splitByPatient } from '../../training/data/patient-split';
import { normalisationOf, sliceBatches, type Normalisation } from '../../training/data/slice-batches';
import { evaluateSlices } from '../../training/engine/evaluate';
import { cosineSchedule, trainLoop, type TrainProgress } from '../../training/engine/train-loop';
import { SeededRandom } from '../../training/model/seeded-random';
import { UNet, type InitScheme } from '../../training/model/unet';
import { paramCount, REFERENCE_UNET, type UNetConfig } from '../../training/model/unet-config';

export interface QualityOptions {
  /** A folder of LIDC-IDRI PNG crops, or a pack (lidc/lidc-pack.ts: the file or its folder). */
  dataDir: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Seeds the weights, the batches and the augmentation; and the split, unless `splitSeed` is given. */
  seed: number;
  /** Seeds the patient split alone, so runs with other seeds can be validated on the same patients. */
  splitSeed?: number;
  validationFraction: number;
  /** The 8 flips/rotations by 90 degrees (when `augmentation` is not given). */
  augment: boolean;
  /** On-the-fly augmentation (augment/), instead of the flips. */
  augmentation?: AugmentConfig;
  /** With `augmentation`: one of the 8 flips/rotations of the square before it (data/slice-batches.ts). */
  symmetries?: boolean;
  /** Name of the augmentation preset, for the record. */
  augmentationName?: string;
  /** Share of batch slots drawn among slices with foreground. */
  foregroundFraction?: number;
  lossWeights?: LossWeights;
  /** Wall-clock budget for training and validation (seconds): the epoch count is planned after the first
   *  epoch (train-loop.ts), never more than `epochs`. */
  budgetSeconds?: number;
  /** Called with the result so far after every epoch (partial: true), so a run cut short leaves figures. */
  onEpochResult?: (partial: QualityResult) => void;
  ties: TiePolicy;
  /** Train on a seeded subset of this many training slices (quick comparisons, rehearsals); the split
   *  and the validation set stay the same. */
  trainSubset?: number;
  /** Centre crops of this side instead of the whole 128x128 slices (quick rehearsals on emulated GPUs). */
  crop?: number;
  /** Train on random windows of this side (data/slice-batches.ts); validation stays on whole slices. */
  patch?: number;
  /** 2.5D: this many neighbouring slices of the same nodule on each side as extra input channels
   *  (lidc/neighbour-slices.ts); the network's first convolution takes 2h+1 channels. */
  neighbours?: number;
  /** The final validation (after the last epoch) with test-time augmentation: the mean probability over the
   *  8 flips/rotations (evaluate.ts). The epochs' validations stay plain: 8 views cost 8 forward passes. */
  tta?: boolean;
  /** One more input plane: each pixel's distance to the crop's centre (lidc/centre-distance.ts), for
   *  crops cut around their object as the LIDC ones are; augmentation's geometry moves it with the image,
   *  its intensity transforms leave it alone. */
  centreChannel?: boolean;
  /** Validation keeps only the predicted components within this many pixels of each slice's centre
   *  (engine/keep-centre.ts); the Dice without that step is reported beside. */
  keepCentre?: number;
  /** Validate on an exponential moving average of the weights with this decay (engine/weight-average.ts). */
  averageDecay?: number;
  /** What the network trains on: the majority vote (default), or the share of raters marking each pixel
   *  (a soft target: a pixel two of four raters marked is 0.5, not 0). Validation is always against
   *  the vote. Needs the PNG folder or a version-2 pack (lidc/lidc-pack.ts). */
  target?: TrainingTarget;
  /** Validation's probability threshold; default 0.5 for the vote, agreementThreshold(...) for the
   *  raters' share. */
  threshold?: number;
  /** Cosine decay of the learning rate to 5% over the epochs (else constant). */
  cosine: boolean;
  config?: UNetConfig;
  /** How the first weights are drawn (model/unet.ts; default 'he-normal'). */
  init?: InitScheme;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export type TrainingTarget = 'vote' | 'agreement';

/** The threshold matching the vote for a net trained on the raters' share (training/data/agreement.ts). */
export { agreementThreshold };

export interface QualityEpoch {
  epoch: number;
  loss: number;
  validationDice: number;
  /** With `keepCentre`: the validation Dice before that step. */
  unprocessedDice?: number;
  /** This epoch's seconds, training and validation. */
  seconds: number;
}

export interface QualityResult {
  data: {
    slices: number;
    patients: number;
    emptyTargetSlices: number;
    trainSlices: number;
    validationSlices: number;
    validationPatients: string[];
    /** The seed of the patient split. */
    splitSeed: number;
    ties: TiePolicy;
  };
  model: { config: UNetConfig; params: number; seed: number; init: InitScheme };
  training: {
    epochs: number;
    batchSize: number;
    learningRate: number;
    cosine: boolean;
    augment: boolean;
    augmentation: string;
    foregroundFraction: number;
    /** Side of the training windows (null: whole slices). */
    patch: number | null;
    /** The final validation with test-time augmentation (8 flips/rotations). */
    tta: boolean;
    /** 2.5D neighbours on each side (0: 2D). */
    neighbours: number;
    /** The input carried the distance-to-centre plane. */
    centreChannel: boolean;
    /** Validation kept the components within this radius of the centre (null: all). */
    keepCentre: number | null;
    /** Validation on a moving average of the weights with this decay (null: the last weights). */
    averageDecay: number | null;
    /** The training target: the vote, or the raters' share of each pixel. */
    target: TrainingTarget;
    /** Validation's probability threshold. */
    threshold: number;
    lossWeights: LossWeights;
    budgetSeconds: number | null;
    seconds: number;
    imagesPerSecond: number;
  };
  /** true while the run is still going (results written after each epoch). */
  partial: boolean;
  normalisation: Normalisation;
  perEpoch: QualityEpoch[];
  final: {
    validationDice: number;
    /** With keep-centre: the Dice before that step. */
    unprocessedDice?: number;
    /** With tta: the last epoch's plain validation Dice. */
    withoutTta?: number;
    perPatientDice: Record<string, number>;
  };
  best: { epoch: number; validationDice: number };
}

/** The centre c x c of a slice (c <= its sides). */
function centreCrop(s: SliceSample, c: number): SliceSample {
  if (c > s.width || c > s.height)
    throw new InputError(undefined, `crop ${c} is larger than the ${s.width}x${s.height} slices`);
  const x0 = (s.width - c) >> 1;
  const y0 = (s.height - c) >> 1;
  const cut = (a: Uint8Array): Uint8Array => {
    const out = new Uint8Array(c * c);
    for (let y = 0; y < c; y++)
      out.set(a.subarray(x0 + (y0 + y) * s.width, x0 + c + (y0 + y) * s.width), y * c);
    return out;
  };
  return {
    ...s,
    width: c,
    height: c,
    image: cut(s.image),
    target: cut(s.target),
    ...(s.agreement ? { agreement: cut(s.agreement) } : {}),
  };
}

export async function runQualityBenchmark(o: QualityOptions): Promise<QualityResult> {
  const log = o.log ?? (() => undefined);
  if (o.keepCentre !== undefined && !(o.keepCentre >= 0))
    throw new InputError(undefined, 'the centre radius must be a number of pixels >= 0');
  const t0 = performance.now();
  let all: SliceSample[];
  if (isLidcPack(o.dataDir)) {
    const pack = readLidcPack(o.dataDir);
    if (pack.header.ties !== o.ties)
      throw new InputError(
        o.dataDir,
        `pack holds votes with ties '${pack.header.ties}', asked for '${o.ties}'`,
      );
    all = pack.samples;
  } else {
    // Imported only here: the PNG reader needs pngjs, which the self-contained GPU bundle (reading a pack)
    // does not carry.
    const { loadLidcSlices } = await import('../lidc/lidc-slices');
    all = await loadLidcSlices(o.dataDir, o.ties);
  }
  log(`loaded ${all.length} slices in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const target = o.target ?? 'vote';
  const raters = all[0]?.raters;
  if (
    target === 'agreement' &&
    (raters === undefined || all.some((s) => !s.agreement || s.raters !== raters))
  )
    throw new InputError(
      o.dataDir,
      "training on the raters' agreement needs it for every slice, over the same raters: the PNG folder, or a pack written with it (--write-pack, version 2)",
    );
  const threshold = o.threshold ?? (target === 'agreement' ? agreementThreshold(raters!, o.ties) : 0.5);
  if (!(threshold > 0 && threshold < 1)) throw new InputError(undefined, 'the threshold must be in (0, 1)');
  if (o.crop !== undefined) all = all.map((s) => centreCrop(s, o.crop!));
  const half = o.neighbours ?? 0;
  all = withNeighbours(all, half);
  const splitSeed = o.splitSeed ?? o.seed;
  const split = splitByPatient(all, o.validationFraction, splitSeed);
  if (o.trainSubset !== undefined && o.trainSubset < split.train.length)
    split.train = new SeededRandom(o.seed).shuffle([...split.train]).slice(0, o.trainSubset);
  const norm = normalisationOf(split.train); // of the image planes only, before a centre plane joins them
  // Only the training slices carry the soft target; validation compares with the vote (evaluate.ts).
  if (target === 'agreement') split.train = split.train.map((s) => ({ ...s, soft: s.agreement! }));
  if (o.centreChannel) {
    split.train = withCentreDistance(split.train);
    split.validation = withCentreDistance(split.validation);
  }
  const config = {
    ...(o.config ?? REFERENCE_UNET),
    inChannels: 2 * half + 1 + (o.centreChannel ? 1 : 0),
  };
  const side = all[0]?.width ?? 0;
  const multiple = 2 ** (config.levels - 1);
  if (o.patch !== undefined && (o.patch > side || o.patch % multiple !== 0))
    throw new InputError(
      undefined,
      `patch ${o.patch} must fit the ${side}-pixel slices and be a multiple of ${multiple} (the U-Net's ${config.levels} levels)`,
    );
  const model = UNet.create(config, o.seed, o.init);
  const perEpoch: QualityEpoch[] = [];
  let last: { pooledDice: number; unprocessedDice?: number; perCase: Record<string, number> } = {
    pooledDice: 0,
    perCase: {},
  };
  let withoutTta: number | undefined;
  const lossWeights = o.lossWeights ?? { crossEntropy: 1, dice: 1 };
  let images = 0;
  let elapsedBefore = 0;
  const summary = (seconds: number, partial: boolean): QualityResult => {
    const best = perEpoch.reduce((a, b) => (b.validationDice > a.validationDice ? b : a), {
      epoch: 0,
      loss: NaN,
      validationDice: -1,
      seconds: 0,
    });
    return {
      data: {
        slices: all.length,
        patients: new Set(all.map((s) => s.patient)).size,
        emptyTargetSlices: all.filter((s) => !s.target.some((v) => v)).length,
        trainSlices: split.train.length,
        validationSlices: split.validation.length,
        validationPatients: split.validationPatients,
        splitSeed,
        ties: o.ties,
      },
      model: { config, params: paramCount(config), seed: o.seed, init: o.init ?? 'he-normal' },
      training: {
        epochs: perEpoch.length,
        batchSize: o.batchSize,
        learningRate: o.learningRate,
        cosine: o.cosine,
        augment: o.augment,
        augmentation: o.augmentationName ?? (o.augmentation ? 'custom' : o.augment ? 'flips' : 'none'),
        foregroundFraction: o.foregroundFraction ?? 0,
        patch: o.patch ?? null,
        tta: o.tta ?? false,
        neighbours: half,
        centreChannel: o.centreChannel ?? false,
        keepCentre: o.keepCentre ?? null,
        averageDecay: o.averageDecay ?? null,
        target,
        threshold,
        lossWeights,
        budgetSeconds: o.budgetSeconds ?? null,
        seconds,
        imagesPerSecond: seconds > 0 ? images / seconds : 0,
      },
      partial,
      normalisation: norm,
      perEpoch: [...perEpoch],
      final: {
        validationDice: last.pooledDice,
        ...(last.unprocessedDice !== undefined ? { unprocessedDice: last.unprocessedDice } : {}),
        ...(withoutTta !== undefined ? { withoutTta } : {}),
        perPatientDice: last.perCase,
      },
      best: { epoch: best.epoch, validationDice: best.validationDice },
    };
  };
  const evaluation = { threshold, ...(o.keepCentre !== undefined ? { keepCentre: o.keepCentre } : {}) };
  try {
    const batches = sliceBatches(split.train, {
      batchSize: o.batchSize,
      seed: o.seed,
      augment: o.augment,
      norm,
      ...(o.augmentation ? { augmentation: o.augmentation } : {}),
      ...(o.foregroundFraction ? { foregroundFraction: o.foregroundFraction } : {}),
      ...(o.patch !== undefined ? { patch: o.patch } : {}),
      ...(o.centreChannel ? { positionChannels: 1 } : {}),
      ...(o.symmetries ? { symmetries: true } : {}),
    });
    const result = await trainLoop(model, batches, {
      epochs: o.epochs,
      learningRate: o.learningRate,
      lossWeights,
      ...(o.cosine ? { schedule: cosineSchedule(o.learningRate) } : {}),
      ...(o.budgetSeconds !== undefined ? { budgetSeconds: o.budgetSeconds } : {}),
      ...(o.averageDecay !== undefined ? { averageDecay: o.averageDecay } : {}),
      signal: o.signal,
      validate: async (m) => {
        last = await evaluateSlices(m, split.validation, norm, evaluation);
        return { dice: last.pooledDice };
      },
      onProgress: (p: TrainProgress) => {
        if (p.kind !== 'epoch') return;
        images = (p.epoch + 1) * batches.batchesPerEpoch() * o.batchSize;
        perEpoch.push({
          epoch: p.epoch + 1,
          loss: p.loss,
          validationDice: p.validation?.['dice'] ?? NaN,
          ...(last.unprocessedDice !== undefined ? { unprocessedDice: last.unprocessedDice } : {}),
          seconds: p.elapsedSeconds - elapsedBefore,
        });
        elapsedBefore = p.elapsedSeconds;
        log(
          `epoch ${p.epoch + 1}/${p.epochs}: loss ${p.loss.toFixed(4)}, validation Dice ${p.validation?.['dice']?.toFixed(4)}` +
            (last.unprocessedDice !== undefined
              ? ` (${last.unprocessedDice.toFixed(4)} before keep-centre), `
              : ', ') +
            `${p.imagesPerSecond.toFixed(2)} images/s, ${p.elapsedSeconds.toFixed(0)} s, ETA ${p.etaSeconds.toFixed(0)} s`,
        );
        o.onEpochResult?.(summary(p.elapsedSeconds, true));
      },
    });
    images = result.images;
    if (o.tta) {
      // The model holds the final weights (the average, with averageDecay) that the last epoch validated.
      withoutTta = last.pooledDice;
      last = await evaluateSlices(model, split.validation, norm, { ...evaluation, tta: true });
      log(`final validation with test-time augmentation: Dice ${last.pooledDice.toFixed(4)}`);
    }
    return summary(result.seconds, false);
  } finally {
    model.dispose();
  }
}
