// A training job inside the trainer process: backend, data set, model (fresh, from a base model's
// weights, or from the run's checkpoint), the engine's train loop, validation and an atomic checkpoint
// after every epoch, the final weights. Reports by `send`; stops between batches when `signal` aborts.
//
// The recipe (TrainConfig; services/training/run-config.ts sets its defaults): a moving average of the
// weights (averageDecay) is validated, checkpointed beside the weights and stored; the best validated epoch
// is kept (keepBest: its weights go to best.bin whenever an epoch beats it, and are the ones stored);
// validation's threshold matches the target (for the raters' agreement, between the shares their strict
// majority leaves out and keeps); and the stored weights are validated with and without test-time flips
// (tta), which their drafts use only when they scored higher, and (calibrateThreshold, one label) at
// thresholds around the matched one, the drafts taking the best (process/calibrate.ts).
import path from 'node:path';
import type { TrainingProgress } from '../../core/model';
import { CancelledError } from '../../core/errors';
import { selectBackend } from '../backends/select-backend';
import { tf } from '../backends/tfjs';
import { trainLoop, cosineSchedule, GPU_LOSS_READ_EVERY, type BatchSource } from '../engine/train-loop';
import { adam } from '../engine/train-step';
import { WeightAverage } from '../engine/weight-average';
import { agreementThreshold, commonRaterCount, MAJORITY_MIN_BYTE } from '../data/agreement';
import { UNet, type NamedWeights } from '../model/unet';
import { imageChannels, type InputScaling, type UNetConfig } from '../model/unet-config';
import { cropBatches, inputScalingOf, sliceRefs, type SliceRef } from './crop-batches';
import { prepareDataset } from './prepare-dataset';
import { foregroundShareOf, PseudoRounds } from './pseudo-rounds';
import { validationDice } from './evaluate-slices';
import { calibrate, calibrationLine } from './calibrate';
import type {
  CheckpointMeta,
  DatasetMeta,
  EpochRecord,
  FromTrainer,
  TrainJob,
  TrainOutcome,
  WeightsMeta,
} from './protocol';
import fs from 'node:fs';
import {
  BEST_FILE,
  CANCEL_FILE,
  CHECKPOINT_FILE,
  DATASET_FILE,
  TRAINER_PROTOCOL_VERSION,
  WEIGHTS_FILE,
} from './protocol';
import { encodeTensorFile, readTensorFile, writeFileAtomic, type NamedTensor } from './tensor-file';

function loadDataset(runDir: string): {
  train: SliceRef[];
  validation: SliceRef[];
  unlabelled: SliceRef[];
  meta: DatasetMeta;
} {
  const { meta, tensors } = readTensorFile<DatasetMeta>(path.join(runDir, DATASET_FILE));
  const byName = new Map(tensors.map((t) => [t.name, t.values as Uint8Array]));
  const train: SliceRef[] = [];
  const validation: SliceRef[] = [];
  const unlabelled: SliceRef[] = [];
  const referenceMin = meta.combine === 'agreement' ? MAJORITY_MIN_BYTE : 128;
  meta.cases.forEach((c, i) => {
    const images = byName.get(`case${i}.images`);
    const targets = byName.get(`case${i}.targets`);
    if (!images || !targets) throw new Error(`data set: case ${c.caseId} has no slices`);
    const refs = sliceRefs(
      c.caseId,
      images,
      targets,
      c.slices,
      c.width,
      c.height,
      meta.channels ?? 1,
      referenceMin,
      meta.labels?.length ?? 1,
    );
    (c.split === 'train' ? train : c.split === 'validation' ? validation : unlabelled).push(...refs);
  });
  return { train, validation, unlabelled, meta };
}

export function readWeights(file: string): { meta: WeightsMeta; weights: NamedWeights[] } {
  const { meta, tensors } = readTensorFile<WeightsMeta>(file);
  return {
    meta,
    weights: tensors.map((t) => ({ name: t.name, shape: t.shape, values: t.values as Float32Array })),
  };
}

export function encodeWeights(meta: WeightsMeta, weights: NamedWeights[]): Buffer {
  return encodeTensorFile(meta, weights);
}

/** Puts named weights (a weights file's) into the model's variables. */
function assignWeights(model: UNet, weights: NamedWeights[]): void {
  const byName = new Map(weights.map((w) => [w.name, w]));
  tf.tidy(() => {
    for (const v of model.variables) {
      const w = byName.get(v.name);
      if (!w) throw new Error(`weights file lacks ${v.name}`);
      v.assign(tf.tensor(w.values, w.shape));
    }
  });
}

/** Validation's threshold: for the raters' agreement, the one matching the strict majority of the number
 *  of raters most cases have (data/agreement.ts); 0.5 otherwise. */
export function validationThreshold(meta: DatasetMeta): number {
  if (meta.combine !== 'agreement') return 0.5;
  return agreementThreshold(commonRaterCount(Object.values(meta.raters ?? {})));
}

const AVERAGE_PREFIX = 'ema/';

async function optimizerState(opt: tf.Optimizer): Promise<NamedTensor[]> {
  const named = await opt.getWeights();
  return Promise.all(
    named.map(async (w) => ({
      name: w.name,
      shape: w.tensor.shape.slice(),
      values: Float32Array.from(await w.tensor.data()),
    })),
  );
}

/** Epochs shifted by `start` (a resumed run trains epochs start..epochs-1 of the same sequence). */
function shifted(data: BatchSource, start: number): BatchSource {
  return {
    shape: data.shape,
    batchesPerEpoch: () => data.batchesPerEpoch(),
    batch: (e, i) => data.batch(e + start, i),
  };
}

export async function runTrainJob(
  job: TrainJob,
  send: (m: FromTrainer) => void,
  outerSignal: AbortSignal,
): Promise<TrainOutcome> {
  const c = job.config;
  // Aborted by the host's 'cancel' message or by its cancel file (see CANCEL_FILE).
  const stop = new AbortController();
  outerSignal.addEventListener('abort', () => stop.abort(), { once: true });
  const signal = stop.signal;
  const cancelFile = path.join(job.runDir, CANCEL_FILE);
  const checkCancel = (): void => {
    if (!signal.aborted && fs.existsSync(cancelFile)) stop.abort();
  };
  if (job.prepare) {
    const slices = await prepareDataset(job.runDir, job.prepare, send, signal);
    send({ type: 'prepared', slices });
  }
  const report = await selectBackend(c.backend, { threads: c.threads });
  send({ type: 'backend', report });
  send({ type: 'log', line: `backend ${report.active}: ${report.device}` });
  const data = loadDataset(job.runDir);
  const labelValues = data.meta.labels;
  if ((labelValues?.length ?? 1) !== c.unet.labels)
    throw new Error(`the data set has ${labelValues?.length ?? 1} labels, the network ${c.unet.labels}`);
  if (labelValues)
    send({
      type: 'log',
      line: `labels ${labelValues.join(', ')}: softmax over background and ${labelValues.length} labels`,
    });
  // Per-label Dice by label value (string), from validation's per-label list (several labels only).
  const byValue = (perLabel: number[] | undefined): Record<string, number> | undefined =>
    labelValues && perLabel
      ? Object.fromEntries(labelValues.map((v, l) => [String(v), perLabel[l]!]))
      : undefined;
  send({ type: 'log', line: `augmentation: ${c.augment ? 'on' : 'random mirroring only'}` });
  const threshold = validationThreshold(data.meta);
  send({
    type: 'log',
    line: `data: ${data.train.length} training slices, ${data.validation.length} validation slices${data.meta.soft ? ' (soft targets)' : ''}${data.unlabelled.length > 0 ? `, ${data.unlabelled.length} unlabelled slices` : ''}; validation threshold ${threshold}`,
  });

  let model: UNet;
  const optimizer = adam(c.learningRate);
  let start = 0;
  let history: EpochRecord[] = [];
  let trainSeconds = 0;
  let best: CheckpointMeta['best'];
  let restoredAverage: { values: Float32Array[]; steps: number } | undefined;
  // The model's input scaling (unet-config.ts): a resumed run keeps its checkpoint's (none for checkpoints
  // written before it existed), fine-tuning keeps the base model's (its weights learned that input), a new
  // model z-scores with its training slices' statistics.
  let input: InputScaling | undefined;
  const withInput = (u: UNetConfig): UNetConfig => (input ? { ...u, input } : u);
  const ckptFile = path.join(job.runDir, CHECKPOINT_FILE);
  const bestFile = path.join(job.runDir, BEST_FILE);
  if (job.resume) {
    const ck = readTensorFile<CheckpointMeta>(ckptFile);
    const names = new Set(ck.meta.optimizer);
    input = ck.meta.input;
    model = new UNet(
      withInput(c.unet),
      ck.tensors
        .filter((t) => !names.has(t.name) && !t.name.startsWith(AVERAGE_PREFIX))
        .map((t) => ({ name: t.name, shape: t.shape, values: t.values as Float32Array })),
    );
    best = ck.meta.best;
    if (ck.meta.average) {
      const byName = new Map(ck.tensors.map((t) => [t.name, t.values as Float32Array]));
      restoredAverage = {
        values: ck.meta.average.names.map((n) => byName.get(n)!),
        steps: ck.meta.average.updates,
      };
    }
    start = ck.meta.nextEpoch;
    history = ck.meta.history;
    trainSeconds = ck.meta.trainSeconds;
    const state = ck.tensors.filter((t) => names.has(t.name));
    if (state.length > 0) {
      await optimizer.setWeights(state.map((t) => ({ name: t.name, tensor: tf.tensor(t.values, t.shape) })));
    }
    send({ type: 'log', line: `resumed from the checkpoint after epoch ${start}` });
  } else if (job.initialWeights) {
    const base = readWeights(job.initialWeights);
    input = base.meta.unet.input;
    model = new UNet(withInput(c.unet), base.weights);
    send({ type: 'log', line: `initial weights from ${path.basename(job.initialWeights)}` });
  } else {
    input = inputScalingOf(data.train);
    model = UNet.create(withInput(c.unet), c.seed);
  }
  const unet = model.config;
  send({
    type: 'log',
    line: input
      ? `input z-scored: mean ${input.mean.toFixed(4)}, std ${input.std.toFixed(4)} (of the normalised 0..1 values)`
      : 'input as normalised (0..1), as the weights it starts from were trained',
  });
  send({
    type: 'log',
    line: `input: ${imageChannels(unet)} slice(s) as channels${unet.coordinates ? ", then 2 coordinate planes (each pixel's place on its slice)" : ', no coordinate planes'}`,
  });
  const average = c.averageDecay !== undefined ? new WeightAverage(model, c.averageDecay) : undefined;
  if (average && restoredAverage) average.restore(restoredAverage.values, restoredAverage.steps);
  if (average) send({ type: 'log', line: `moving average of the weights, decay ${c.averageDecay}` });
  if (c.freezeEncoder) {
    // tfjs's optimizers skip variables that are not trainable (variableGrads prunes them).
    for (const v of model.variables) if (v.name.startsWith('enc')) v.trainable = false;
    send({ type: 'log', line: 'encoder frozen: only the decoder and head are trained' });
  }
  const onWebgpu = report.active === 'webgpu';
  const batchSize = onWebgpu && c.webgpuBatchSize ? c.webgpuBatchSize : c.batchSize;
  send({
    type: 'log',
    line: `batch ${batchSize}${batchSize !== c.batchSize ? ' (the webgpu default)' : ''}`,
  });
  const crops = {
    cropSize: c.cropSize,
    batchSize,
    seed: c.seed,
    foregroundFraction: c.foregroundFraction,
    augment: c.augment ?? null,
    softTarget: data.meta.soft,
    coordinates: unet.coordinates ?? false,
  };
  let source = cropBatches(data.train, crops);
  // The model whose labels a round uses: the weights' moving average when the run keeps one.
  const labelWith = <T>(f: (m: UNet) => Promise<T>): Promise<T> =>
    average ? average.withAverage(() => f(model)) : f(model);
  let rounds: PseudoRounds | undefined;
  if (c.semiSupervised && data.unlabelled.length > 0) {
    rounds = new PseudoRounds(job.runDir, data.unlabelled, {
      threshold,
      minConfidence: c.semiSupervised.minConfidence,
      ...(c.tta ? { tta: true } : {}),
      foregroundShare: foregroundShareOf(data.train),
      rounds: c.semiSupervised.rounds,
      epochs: c.epochs,
      labelledSlices: data.train.length,
      crops,
      log: (line) => send({ type: 'log', line }),
    });
    send({
      type: 'log',
      line: `semi-supervised: ${new Set(data.unlabelled.map((s) => s.caseId)).size} unlabelled case(s); pseudo-labels made at epochs ${rounds.starts.map((e) => e + 1).join(', ')} (warm-up on the labelled cases before), confidence floor ${c.semiSupervised.minConfidence}`,
    });
    await rounds.restore(start, labelWith, signal);
    source = rounds.batches(source);
  } else if (c.semiSupervised) {
    send({
      type: 'log',
      line: 'semi-supervised: the data set has no unlabelled slices; labelled cases only',
    });
  }
  const cosine = cosineSchedule(c.learningRate, c.epochs);
  const schedule = (e: number): number => (c.schedule === 'constant' ? c.learningRate : cosine(e));
  let epochLoss = 0;
  let epochBatches = 0;
  let epochStart = performance.now();
  let last: TrainingProgress | null = null;
  const shift = (p: TrainingProgress): TrainingProgress => ({
    epoch: p.epoch + start,
    epochs: c.epochs,
    batch: p.batch,
    batches: p.batches,
    loss: p.loss,
    imagesPerSecond: p.imagesPerSecond,
    elapsedSeconds: p.elapsedSeconds,
    etaSeconds: p.etaSeconds,
  });

  if (start < c.epochs) {
    epochStart = performance.now();
    await trainLoop(model, shifted(source, start), {
      epochs: c.epochs - start,
      learningRate: c.learningRate,
      optimizer,
      signal,
      // On a GPU the loss is read back every GPU_LOSS_READ_EVERY steps, so the CPU can run ahead.
      ...(onWebgpu ? { lossReadEvery: GPU_LOSS_READ_EVERY } : {}),
      schedule: (e) => schedule(e + start),
      ...(average ? { weightAverage: average } : {}),
      onProgress: (p) => {
        if (p.kind !== 'batch') return;
        // The epoch's clock is started before its first batch (at the start and at the end of each
        // epoch's validate below), so a one-batch epoch is not timed at 0 s.
        if (p.batch === 0) {
          epochLoss = 0;
          epochBatches = 0;
        }
        epochLoss += p.loss;
        epochBatches++;
        checkCancel();
        last = shift(p);
        send({ type: 'batch', progress: last });
      },
      validate: async (m, e) => {
        // Let the host's messages (cancel) in between epochs.
        await new Promise((r) => setImmediate(r));
        checkCancel();
        if (signal.aborted) throw new CancelledError('training');
        const epoch = e + start;
        const seconds = (performance.now() - epochStart) / 1000;
        const tv = performance.now();
        const evaluate = () => validationDice(m, data.validation, { signal, threshold });
        const v =
          data.validation.length === 0
            ? null
            : average
              ? await average.withAverage(evaluate)
              : await evaluate();
        const validationSeconds = (performance.now() - tv) / 1000;
        if (signal.aborted) throw new CancelledError('training');
        const record: EpochRecord = {
          epoch,
          loss: epochLoss / Math.max(1, epochBatches),
          seconds,
          // Every crop trained on: a semi-supervised epoch's pseudo-labelled ones too.
          imagesPerSecond: (epochBatches * batchSize + (rounds?.epochCrops ?? 0)) / Math.max(1e-9, seconds),
          learningRate: schedule(epoch),
          validationDice: v ? v.dice : null,
          caseDice: v ? v.perCase : {},
        };
        const perLabel = byValue(v?.perLabel);
        if (perLabel) record.labelDice = perLabel;
        history = [...history, record];
        trainSeconds += seconds;
        // The weights validated: the average's when there is one (the model holds the raw weights here).
        const validated = async () => (average ? average.values() : m.weights());
        if (c.keepBest && v && (!best || v.dice > best.dice)) {
          // Written before the checkpoint that names it, so a checkpoint's best is always on disk.
          writeFileAtomic(bestFile, encodeWeights({ unet }, await validated()));
          best = { epoch, dice: v.dice };
        }
        const meta: CheckpointMeta = {
          protocol: TRAINER_PROTOCOL_VERSION,
          nextEpoch: epoch + 1,
          config: c,
          history,
          optimizer: [],
          trainSeconds,
          ...(best ? { best } : {}),
          ...(input ? { input } : {}),
        };
        const opt = await optimizerState(optimizer);
        meta.optimizer = opt.map((t) => t.name);
        const avg = average
          ? (await average.values()).map((t) => ({ ...t, name: AVERAGE_PREFIX + t.name }))
          : [];
        if (average) meta.average = { names: avg.map((t) => t.name), updates: average.steps };
        writeFileAtomic(ckptFile, encodeTensorFile(meta, [...(await m.weights()), ...opt, ...avg]));
        const progress =
          last ??
          shift({
            epoch: e,
            epochs: c.epochs,
            batch: 0,
            batches: 1,
            loss: record.loss,
            imagesPerSecond: 0,
            elapsedSeconds: 0,
            etaSeconds: 0,
          });
        send({ type: 'epoch', record, progress });
        send({
          type: 'log',
          line: `epoch ${epoch + 1}/${c.epochs}: loss ${record.loss.toFixed(4)}, validation Dice ${record.validationDice?.toFixed(4) ?? 'n/a'}${
            perLabel
              ? ` (${Object.entries(perLabel)
                  .map(([k, d]) => `label ${k} ${d.toFixed(4)}`)
                  .join(', ')})`
              : ''
          }, ${record.imagesPerSecond.toFixed(1)} images/s; validation ${validationSeconds.toFixed(1)} s`,
        });
        // After the epoch's checkpoint: a round's labels are in pseudo.bin before the next epoch trains on
        // them (a resume finds them there, or labels again).
        if (rounds) await rounds.afterEpoch(epoch, labelWith, { crops: epochBatches * batchSize, signal });
        const metrics: Record<string, number> = {};
        if (record.validationDice !== null) metrics['dice'] = record.validationDice;
        epochStart = performance.now();
        return metrics;
      },
    });
  }
  // The weights stored: the best validated epoch's, or the last epoch's (the average's, with one).
  average?.commit();
  average?.dispose();
  let kept: 'best' | 'last' = 'last';
  let keptEpoch = history.at(-1)?.epoch;
  if (c.keepBest && best && fs.existsSync(bestFile)) {
    assignWeights(model, readWeights(bestFile).weights);
    kept = 'best';
    keptEpoch = best.epoch;
    send({
      type: 'log',
      line: `kept epoch ${best.epoch + 1} of ${c.epochs} (the best validation Dice, ${best.dice.toFixed(4)})`,
    });
  }
  let tta: TrainOutcome['tta'];
  let calibration: TrainOutcome['calibration'];
  let drafted = threshold;
  const keptRecord = history.find((r) => r.epoch === keptEpoch);
  if (!labelValues && data.validation.length > 0 && (c.tta || c.calibrateThreshold)) {
    // One label: the threshold (with calibrateThreshold) and the flips (with tta) chosen on validation.
    const chosen = await calibrate(model, data.validation, {
      matched: threshold,
      calibrate: c.calibrateThreshold ?? false,
      tta: c.tta ?? false,
      signal,
    });
    if (signal.aborted) throw new CancelledError('training');
    drafted = chosen.threshold;
    if (chosen.flipped !== null) tta = { plain: chosen.plain, flipped: chosen.flipped, on: chosen.tta };
    if (c.calibrateThreshold) calibration = { matched: chosen.matched, scan: chosen.scan };
    send({ type: 'log', line: calibrationLine(chosen) });
  } else if (c.tta && data.validation.length > 0 && keptRecord && keptRecord.validationDice !== null) {
    const plain = keptRecord.validationDice;
    const withFlips = await validationDice(model, data.validation, { signal, threshold, tta: true });
    const flipped = withFlips.dice;
    if (signal.aborted) throw new CancelledError('training');
    tta = { plain, flipped, on: flipped > plain };
    const flippedLabels = byValue(withFlips.perLabel);
    if (flippedLabels) tta.labelDice = flippedLabels;
    send({
      type: 'log',
      line: `test-time flips: validation Dice ${flipped.toFixed(4)} against ${plain.toFixed(4)} without: ${tta.on ? 'drafts use them' : 'drafts go without'}`,
    });
  }
  const weightsFile = path.join(job.runDir, WEIGHTS_FILE);
  writeFileAtomic(weightsFile, encodeWeights({ unet }, await model.weights()));
  model.dispose();
  return {
    epochs: history,
    weightsFile,
    trainSeconds,
    ...(keptEpoch !== undefined ? { keptEpoch, kept } : {}),
    threshold: drafted,
    ...(tta ? { tta } : {}),
    ...(calibration ? { calibration } : {}),
    ...(c.averageDecay !== undefined ? { averageDecay: c.averageDecay } : {}),
    ...(input ? { input } : {}),
    ...(labelValues ? { labels: labelValues } : {}),
    ...(keptRecord?.labelDice ? { labelDice: keptRecord.labelDice } : {}),
    ...(c.semiSupervised && rounds
      ? {
          pseudo: {
            ...c.semiSupervised,
            unlabelledCases: new Set(data.unlabelled.map((s) => s.caseId)).size,
            made: rounds.made,
            crops: rounds.crops,
          },
        }
      : {}),
  };
}
