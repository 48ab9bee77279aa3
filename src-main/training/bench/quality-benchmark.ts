// Segmentation quality of the reference U-Net on the LIDC-IDRI nodule crops: trained on the majority vote
// of four radiologists, validated on held-out patients (Dice pooled over all their slices, empty ones
// included), with the training time. The bar is a validation Dice of at least 0.75.
import type { TiePolicy } from '../../core/consensus/vote';
import { loadLidcSlices } from '../data/lidc-slices';
import { splitByPatient } from '../data/patient-split';
import { normalisationOf, sliceBatches, type Normalisation } from '../data/slice-batches';
import { evaluateSlices } from '../engine/evaluate';
import { cosineSchedule, trainLoop, type TrainProgress } from '../engine/train-loop';
import { UNet } from '../model/unet';
import { paramCount, REFERENCE_UNET, type UNetConfig } from '../model/unet-config';

export interface QualityOptions {
  dataDir: string;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  validationFraction: number;
  augment: boolean;
  ties: TiePolicy;
  /** Cosine decay of the learning rate to 5% over the epochs (else constant). */
  cosine: boolean;
  config?: UNetConfig;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface QualityEpoch {
  epoch: number;
  loss: number;
  validationDice: number;
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
    ties: TiePolicy;
  };
  model: { config: UNetConfig; params: number; seed: number };
  training: {
    epochs: number;
    batchSize: number;
    learningRate: number;
    cosine: boolean;
    augment: boolean;
    seconds: number;
    imagesPerSecond: number;
  };
  normalisation: Normalisation;
  perEpoch: QualityEpoch[];
  final: { validationDice: number; perPatientDice: Record<string, number> };
  best: { epoch: number; validationDice: number };
}

export async function runQualityBenchmark(o: QualityOptions): Promise<QualityResult> {
  const log = o.log ?? (() => undefined);
  const t0 = performance.now();
  const all = await loadLidcSlices(o.dataDir, o.ties);
  log(`loaded ${all.length} slices in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const split = splitByPatient(all, o.validationFraction, o.seed);
  const norm = normalisationOf(split.train);
  const config = o.config ?? REFERENCE_UNET;
  const model = UNet.create(config, o.seed);
  const perEpoch: QualityEpoch[] = [];
  let last = { pooledDice: 0, perCase: {} as Record<string, number> };
  try {
    const result = await trainLoop(
      model,
      sliceBatches(split.train, { batchSize: o.batchSize, seed: o.seed, augment: o.augment, norm }),
      {
        epochs: o.epochs,
        learningRate: o.learningRate,
        ...(o.cosine ? { schedule: cosineSchedule(o.learningRate, o.epochs) } : {}),
        signal: o.signal,
        validate: async (m) => {
          last = await evaluateSlices(m, split.validation, norm);
          return { dice: last.pooledDice };
        },
        onProgress: (p: TrainProgress) => {
          if (p.kind !== 'epoch') return;
          log(
            `epoch ${p.epoch + 1}/${p.epochs}: loss ${p.loss.toFixed(4)}, validation Dice ${p.validation?.['dice']?.toFixed(4)}, ` +
              `${p.imagesPerSecond.toFixed(2)} images/s, ${p.elapsedSeconds.toFixed(0)} s, ETA ${p.etaSeconds.toFixed(0)} s`,
          );
        },
      },
    );
    for (const e of result.epochs)
      perEpoch.push({
        epoch: e.epoch + 1,
        loss: e.loss,
        validationDice: e.validation?.['dice'] ?? NaN,
        seconds: e.seconds,
      });
    const best = perEpoch.reduce((a, b) => (b.validationDice > a.validationDice ? b : a));
    return {
      data: {
        slices: all.length,
        patients: new Set(all.map((s) => s.patient)).size,
        emptyTargetSlices: all.filter((s) => !s.target.some((v) => v)).length,
        trainSlices: split.train.length,
        validationSlices: split.validation.length,
        validationPatients: split.validationPatients,
        ties: o.ties,
      },
      model: { config, params: paramCount(config), seed: o.seed },
      training: {
        epochs: o.epochs,
        batchSize: o.batchSize,
        learningRate: o.learningRate,
        cosine: o.cosine,
        augment: o.augment,
        seconds: result.seconds,
        imagesPerSecond: result.images / result.seconds,
      },
      normalisation: norm,
      perEpoch,
      final: { validationDice: last.pooledDice, perPatientDice: last.perCase },
      best: { epoch: best.epoch, validationDice: best.validationDice },
    };
  } finally {
    model.dispose();
  }
}
