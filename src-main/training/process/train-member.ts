// One network of a training run, trained to its end: fresh (its seed), from a base model's weights, or
// from the run's checkpoint when that is this network's; the engine's train loop; validation of the
// weights' moving average and an atomic checkpoint after every epoch; the best validated epoch kept
// (keepBest). A run of one network trains member 0 only; an ensemble's run (process/train-job.ts) trains
// its members one after another, each leaving its kept weights in member<k>.bin.
//
// Epochs are numbered through the run: member k's epoch e (from 0) is k * epochs + e, in the records, the
// checkpoint's nextEpoch and the progress (of epochs * members in all), so the host's records and resume
// work as for one network. A refit (train-job.ts; one network) trains in the slot after the members, with
// member 0's seed, on a data set without validation cases, and keeps its last epoch; a semi-supervised
// run's student trains in the slot after the refit (its teacher) the same way, with the pseudo-labelled
// slices among its training ones.
import fs from 'node:fs';
import path from 'node:path';
import type { TrainingProgress } from '../../core/model';
import { CancelledError } from '../../core/errors';
import { tf } from '../backends/tfjs';
import { cosineSchedule, GPU_LOSS_READ_EVERY, trainLoop, type BatchSource } from '../engine/train-loop';
import { adam } from '../engine/train-step';
import { WeightAverage } from '../engine/weight-average';
import { memberWeights } from '../model/ensemble';
import { UNet, type NamedWeights } from '../model/unet';
import { imageChannels, memberConfig, memberCount, type InputScaling } from '../model/unet-config';
import { cropBatches, inputScalingOf, type SliceRef } from './crop-batches';
import { validationDice } from './evaluate-slices';
import {
  BEST_FILE,
  CHECKPOINT_FILE,
  memberFile,
  TRAINER_PROTOCOL_VERSION,
  type CheckpointMeta,
  type DatasetMeta,
  type EpochRecord,
  type FromTrainer,
  type TrainJob,
} from './protocol';
import { encodeTensorFile, writeFileAtomic, type NamedTensor } from './tensor-file';
import { encodeWeights, readWeights } from './weights-file';

export interface LoadedDataset {
  train: SliceRef[];
  validation: SliceRef[];
  unlabelled: SliceRef[];
  meta: DatasetMeta;
}

/** What every member of a run shares. */
export interface MemberSetup {
  job: TrainJob;
  data: LoadedDataset;
  send: (m: FromTrainer) => void;
  signal: AbortSignal;
  /** Aborts `signal` when the host's cancel file is there. */
  checkCancel: () => void;
  /** A resumed run's checkpoint, as the run folder held it when the job started (read once). */
  checkpoint: { meta: CheckpointMeta; tensors: NamedTensor[] } | undefined;
  /** Validation's threshold (train-job.ts validationThreshold). */
  threshold: number;
  batchSize: number;
  onWebgpu: boolean;
  /** Several labels: validation's per-label list by label value. */
  byValue: (perLabel: number[] | undefined) => Record<string, number> | undefined;
}

/** The run's records so far, carried from member to member (and read from the checkpoint on resume). */
export interface RunState {
  history: EpochRecord[];
  trainSeconds: number;
}

export interface MemberOutcome {
  /** The member's kept weights, in a live network (the caller disposes it). */
  model: UNet;
  input?: InputScaling;
  keptEpoch?: number;
  kept: 'best' | 'last';
}

const AVERAGE_PREFIX = 'ema/';

/** Member k's seed for its first weights and its crops (the split is the run's, the same for all). */
export function memberSeed(seed: number, k: number): number {
  return seed + k;
}

/** Puts named weights (a weights file's) into the model's variables (a member trains unscoped, so its
 *  variables carry the ParamSpec names). */
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

/** Which network of a run: one of the validated members, the refit (on every labelled case), or a
 *  semi-supervised run's student of a round (the refit again, with that round's pseudo-labelled slices). */
export type MemberPhase = 'validated' | 'refit' | { student: number };

/** The pseudo-label rounds of a semi-supervised run: one student each. */
export function labelRounds(c: TrainJob['config']): number {
  return c.refit && c.semiSupervised ? (c.semiSupervised.labelRounds ?? 1) : 0;
}

/** The networks a run trains one after another: its members, the refit, and a semi-supervised run's
 *  students (as the host counts its epochs: services/training). */
function phaseCount(c: TrainJob['config']): number {
  return memberCount(c.unet) + (c.refit ? 1 : 0) + labelRounds(c);
}

/** Trains member k (from 0) of the run to its end and returns its kept weights; the refit and the students
 *  train as member 0 again, in the slots after the members (`s.data` then holds every labelled case, and
 *  for a student its round's pseudo-labelled slices). */
export async function trainMember(
  s: MemberSetup,
  k: number,
  state: RunState,
  phase: MemberPhase = 'validated',
): Promise<MemberOutcome> {
  const refit = phase !== 'validated';
  const { job, data, send, signal, threshold } = s;
  const c = job.config;
  const M = memberCount(c.unet);
  const E = c.epochs;
  // Where this network's epochs and checkpoint sit in the run, and the phases (networks) it trains in all.
  const slot = phase === 'validated' ? k : phase === 'refit' ? M : M + phase.student;
  const phases = phaseCount(c);
  const rounds = labelRounds(c);
  const who =
    phase === 'refit'
      ? 'refit on every case: '
      : typeof phase === 'object'
        ? `refit with the pseudo-labels${rounds > 1 ? ` of round ${phase.student}/${rounds}` : ''}: `
        : M > 1
          ? `member ${k + 1}/${M}: `
          : '';
  const first = slot * E;
  const ckptFile = path.join(job.runDir, CHECKPOINT_FILE);
  const bestFile = path.join(job.runDir, BEST_FILE);
  const ck = s.checkpoint;
  const own = ck !== undefined && (ck.meta.member ?? 0) === slot;

  let model: UNet;
  const optimizer = adam(c.learningRate);
  let start = 0;
  let best: CheckpointMeta['best'];
  let restoredAverage: { values: Float32Array[]; steps: number } | undefined;
  // The model's input scaling (unet-config.ts): a resumed run keeps its checkpoint's (none for checkpoints
  // written before it existed), fine-tuning keeps the base model's (its weights learned that input), a new
  // model z-scores with its training slices' statistics.
  let input: InputScaling | undefined;
  const one = memberConfig(c.unet);
  const withInput = (): typeof one => (input ? { ...one, input } : one);
  if (own) {
    const names = new Set(ck.meta.optimizer);
    input = ck.meta.input;
    model = new UNet(
      withInput(),
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
    start = ck.meta.nextEpoch - first;
    const state0 = ck.tensors.filter((t) => names.has(t.name));
    if (state0.length > 0) {
      await optimizer.setWeights(state0.map((t) => ({ name: t.name, tensor: tf.tensor(t.values, t.shape) })));
    }
    send({ type: 'log', line: `${who}resumed from the checkpoint after epoch ${start}` });
  } else {
    // A member that starts fresh: the previous member's best epoch is in its member file already. A refit
    // leaves the validated network's kept weights there (it validates nothing, so never writes it).
    if (!refit) fs.rmSync(bestFile, { force: true });
    if (job.initialWeights) {
      const base = readWeights(job.initialWeights);
      input = base.meta.unet.input;
      // Member k of an ensemble fine-tunes the base's member k (of as many as it has, round the list).
      const from = k % memberCount(base.meta.unet);
      model = new UNet(withInput(), memberWeights(base.meta.unet, base.weights, from));
      send({
        type: 'log',
        line: `${who}initial weights from ${path.basename(job.initialWeights)}${memberCount(base.meta.unet) > 1 ? ` (its member ${from + 1})` : ''}`,
      });
    } else {
      input = inputScalingOf(data.train);
      model = UNet.create(withInput(), memberSeed(c.seed, k));
      if (M > 1) send({ type: 'log', line: `${who}seed ${memberSeed(c.seed, k)}` });
    }
  }
  if (slot === 0 || !own) logInput(send, input, model);
  const average = c.averageDecay !== undefined ? new WeightAverage(model, c.averageDecay) : undefined;
  if (average && restoredAverage) average.restore(restoredAverage.values, restoredAverage.steps);
  if (average && slot === 0)
    send({ type: 'log', line: `moving average of the weights, decay ${c.averageDecay}` });
  if (c.freezeEncoder) {
    // tfjs's optimizers skip variables that are not trainable (variableGrads prunes them).
    for (const v of model.variables) if (v.name.startsWith('enc')) v.trainable = false;
    if (slot === 0) send({ type: 'log', line: 'encoder frozen: only the decoder and head are trained' });
  }
  const crops = {
    cropSize: c.cropSize,
    batchSize: s.batchSize,
    seed: memberSeed(c.seed, k),
    foregroundFraction: c.foregroundFraction,
    augment: c.augment ?? null,
    softTarget: data.meta.soft,
    coordinates: model.config.coordinates ?? false,
  };
  const source = cropBatches(data.train, crops);
  const cosine = cosineSchedule(c.learningRate, E);
  const schedule = (e: number): number => (c.schedule === 'constant' ? c.learningRate : cosine(e));
  let epochLoss = 0;
  let epochBatches = 0;
  let epochStart = performance.now();
  let last: TrainingProgress | null = null;
  // Progress through the whole run: this member's epochs after the earlier members'.
  const shift = (p: TrainingProgress): TrainingProgress => ({
    epoch: first + p.epoch + start,
    epochs: E * phases,
    batch: p.batch,
    batches: p.batches,
    loss: p.loss,
    imagesPerSecond: p.imagesPerSecond,
    elapsedSeconds: p.elapsedSeconds,
    // The members (and the refit) still to come take as long as this one is taking.
    etaSeconds:
      p.etaSeconds + (phases - slot - 1) * E * ((p.elapsedSeconds + p.etaSeconds) / Math.max(1, E - start)),
  });

  if (start < E) {
    epochStart = performance.now();
    await trainLoop(model, shifted(source, start), {
      epochs: E - start,
      learningRate: c.learningRate,
      optimizer,
      signal,
      // On a GPU the loss is read back every GPU_LOSS_READ_EVERY steps, so the CPU can run ahead.
      ...(s.onWebgpu ? { lossReadEvery: GPU_LOSS_READ_EVERY } : {}),
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
        s.checkCancel();
        last = shift(p);
        send({ type: 'batch', progress: last });
      },
      validate: async (m, e) => {
        // Let the host's messages (cancel) in between epochs.
        await new Promise((r) => setImmediate(r));
        s.checkCancel();
        if (signal.aborted) throw new CancelledError('training');
        const epoch = e + start;
        const global = first + epoch;
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
          epoch: global,
          loss: epochLoss / Math.max(1, epochBatches),
          seconds,
          imagesPerSecond: (epochBatches * s.batchSize) / Math.max(1e-9, seconds),
          learningRate: schedule(epoch),
          validationDice: v ? v.dice : null,
          caseDice: v ? v.perCase : {},
          ...(M > 1 ? { member: k + 1 } : {}),
          ...(refit ? { refit: true as const } : {}),
        };
        const perLabel = s.byValue(v?.perLabel);
        if (perLabel) record.labelDice = perLabel;
        state.history = [...state.history, record];
        state.trainSeconds += seconds;
        // The weights validated: the average's when there is one (the model holds the raw weights here).
        const validated = async () => (average ? average.values() : m.weights());
        if (c.keepBest && v && (!best || v.dice > best.dice)) {
          // Written before the checkpoint that names it, so a checkpoint's best is always on disk.
          writeFileAtomic(bestFile, encodeWeights({ unet: model.config }, await validated()));
          best = { epoch: global, dice: v.dice };
        }
        const meta: CheckpointMeta = {
          protocol: TRAINER_PROTOCOL_VERSION,
          nextEpoch: global + 1,
          ...(slot > 0 ? { member: slot } : {}),
          config: c,
          history: state.history,
          optimizer: [],
          trainSeconds: state.trainSeconds,
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
            epochs: E,
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
          line: `${who}epoch ${epoch + 1}/${E}: loss ${record.loss.toFixed(4)}, validation Dice ${record.validationDice?.toFixed(4) ?? 'n/a'}${
            perLabel
              ? ` (${Object.entries(perLabel)
                  .map(([l, d]) => `label ${l} ${d.toFixed(4)}`)
                  .join(', ')})`
              : ''
          }, ${record.imagesPerSecond.toFixed(1)} images/s; validation ${validationSeconds.toFixed(1)} s`,
        });
        const metrics: Record<string, number> = {};
        if (record.validationDice !== null) metrics['dice'] = record.validationDice;
        epochStart = performance.now();
        return metrics;
      },
    });
  }
  // The weights kept: the best validated epoch's, or the last epoch's (the average's, with one).
  average?.commit();
  average?.dispose();
  optimizer.dispose();
  let kept: 'best' | 'last' = 'last';
  let keptEpoch = state.history.filter((r) => r.epoch >= first && r.epoch < first + E).at(-1)?.epoch;
  if (c.keepBest && best && fs.existsSync(bestFile)) {
    assignWeights(model, readWeights(bestFile).weights);
    kept = 'best';
    keptEpoch = best.epoch;
    send({
      type: 'log',
      line: `${who}kept epoch ${best.epoch - first + 1} of ${E} (the best validation Dice, ${best.dice.toFixed(4)})`,
    });
  }
  if (M > 1 && !refit)
    // Before the next member's first checkpoint: a resume then finds this member done.
    writeFileAtomic(
      path.join(job.runDir, memberFile(k)),
      encodeWeights({ unet: model.config }, await model.weights()),
    );
  return {
    model,
    ...(input ? { input } : {}),
    ...(keptEpoch !== undefined ? { keptEpoch } : {}),
    kept,
  };
}

function logInput(send: (m: FromTrainer) => void, input: InputScaling | undefined, model: UNet): void {
  send({
    type: 'log',
    line: input
      ? `input z-scored: mean ${input.mean.toFixed(4)}, std ${input.std.toFixed(4)} (of the normalised 0..1 values)`
      : 'input as normalised (0..1), as the weights it starts from were trained',
  });
  send({
    type: 'log',
    line: `input: ${imageChannels(model.config)} slice(s) as channels${model.config.coordinates ? ", then 2 coordinate planes (each pixel's place on its slice)" : ', no coordinate planes'}`,
  });
}
