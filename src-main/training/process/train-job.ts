// A training job inside the trainer process: backend, data set, then the run's network (or, for an
// ensemble, its networks one after another: process/train-member.ts, each fresh, from a base model's
// weights, or from the run's checkpoint), validation and an atomic checkpoint after every epoch, and the
// final weights. Reports by `send`; stops between batches when `signal` aborts.
//
// The recipe (TrainConfig; services/training/run-config.ts sets its defaults): a moving average of the
// weights (averageDecay) is validated, checkpointed beside the weights and stored; the best validated epoch
// is kept (keepBest: its weights go to best.bin whenever an epoch beats it, and are the ones stored);
// validation's threshold matches the target (for the raters' agreement, between the shares their strict
// majority leaves out and keeps); and the stored model (an ensemble: its members' mean probability) is
// validated with and without test-time flips (tta), which its drafts use only when they scored higher,
// and (calibrateThreshold, one label) at thresholds around the matched one, the drafts taking the best
// (process/calibrate.ts).
//
// The refit (refit, one network): once the validated network is kept and its threshold and flips chosen,
// the same network is trained again from its start (its seed, or the base model) on every labelled case,
// train and validation together, for as many epochs, and its last epoch is stored instead; drafts use the
// validated choices. Nothing is left to validate it on: the model's validation Dice is the validated
// network's. Its choices are kept in VALIDATED_FILE before the refit starts, so a resume inside the refit
// goes on with them.
//
// Semi-supervised (with the refit): the refit (the teacher) labels the unlabelled cases as the model would
// draft them, at the validated threshold and flips (process/pseudo-cases.ts, kept in PSEUDO_FILE before the
// next checkpoint), and the same training runs once more, in the slot after the refit, on every labelled
// case and those slices (the student): that network is stored. A teacher labels no better than it drafts,
// and the refit drafts best of the networks trained on the labelled cases alone
// (bench/RESULTS-few-labels.md, "The refit's labels"). With more label rounds, each student labels the
// unlabelled cases again and the next student, from the start again, learns from its labels.
import path from 'node:path';
import fs from 'node:fs';
import { CancelledError } from '../../core/errors';
import { selectBackend } from '../backends/select-backend';
import { agreementThreshold, commonRaterCount, MAJORITY_MIN_BYTE } from '../data/agreement';
import { ensembleWeights, loadNetwork, type Network } from '../model/ensemble';
import { memberCount, type UNetConfig } from '../model/unet-config';
import type { NamedWeights } from '../model/unet';
import { sliceRefs, type SliceRef } from './crop-batches';
import { labelUnlabelled, pseudoFile, readPseudo, writePseudo } from './pseudo-cases';
import { prepareDataset } from './prepare-dataset';
import { validationDice } from './evaluate-slices';
import { calibrate, calibrationLine } from './calibrate';
import {
  CANCEL_FILE,
  CHECKPOINT_FILE,
  DATASET_FILE,
  memberFile,
  VALIDATED_FILE,
  WEIGHTS_FILE,
  type CheckpointMeta,
  type DatasetMeta,
  type FromTrainer,
  type TrainJob,
  type TrainOutcome,
  type ValidatedOutcome,
} from './protocol';
import { readTensorFile, writeFileAtomic } from './tensor-file';
import {
  labelRounds,
  trainMember,
  type LoadedDataset,
  type MemberOutcome,
  type MemberSetup,
  type RunState,
} from './train-member';
import { encodeWeights, readWeights } from './weights-file';

function loadDataset(runDir: string): LoadedDataset {
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

/** Validation's threshold: for the raters' agreement, the one matching the strict majority of the number
 *  of raters most cases have (data/agreement.ts); 0.5 otherwise. */
export function validationThreshold(meta: DatasetMeta): number {
  if (meta.combine !== 'agreement') return 0.5;
  return agreementThreshold(commonRaterCount(Object.values(meta.raters ?? {})));
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
  const onWebgpu = report.active === 'webgpu';
  const batchSize = onWebgpu && c.webgpuBatchSize ? c.webgpuBatchSize : c.batchSize;
  send({
    type: 'log',
    line: `batch ${batchSize}${batchSize !== c.batchSize ? " (the run's webgpu batch)" : ''}`,
  });
  const M = memberCount(c.unet);
  if (M > 1)
    send({
      type: 'log',
      line: `an ensemble of ${M} networks, trained one after another (${c.epochs} epochs each, seeds ${c.seed} to ${c.seed + M - 1}); drafts average their probabilities`,
    });
  // A resumed run's checkpoint: its records so far, and the state of the network it stopped in.
  const checkpoint = job.resume
    ? readTensorFile<CheckpointMeta>(path.join(job.runDir, CHECKPOINT_FILE))
    : undefined;
  const state: RunState = {
    history: checkpoint?.meta.history ?? [],
    trainSeconds: checkpoint?.meta.trainSeconds ?? 0,
  };
  const setup = {
    job,
    data,
    send,
    signal,
    checkCancel,
    checkpoint,
    threshold,
    batchSize,
    onWebgpu,
    byValue,
  };

  // Semi-supervised runs of an earlier version made their pseudo-labels during the validated training.
  if (c.semiSupervised?.rounds !== undefined)
    throw new Error(
      'this semi-supervised run was started by an earlier version of Concord, which made its pseudo-labels while training; start a new run',
    );
  // The refit (one network): after the validated network, the same training on every labelled case.
  const refitting = c.refit === true && M === 1;
  // A semi-supervised run's students train in the slots after the refit, their first teacher, one per
  // round; a resumed run goes on in the round it stopped in (0: in the refit or before).
  const rounds = refitting ? labelRounds(c) : 0;
  const student = rounds > 0;
  const ckSlot = checkpoint?.meta.member ?? 0;
  const inRefit = refitting && checkpoint !== undefined && ckSlot >= M;
  const resumedRound = student && checkpoint !== undefined && ckSlot > M ? ckSlot - M : 0;
  const validatedFile = path.join(job.runDir, VALIDATED_FILE);
  const v: Validated = inRefit
    ? { outcome: readValidated(validatedFile) }
    : await trainValidated(setup, state, labelValues !== undefined);
  if (inRefit) send({ type: 'log', line: 'the validated network was chosen before the resume' });
  const weightsFile = path.join(job.runDir, WEIGHTS_FILE);
  let input = v.input;
  let refit: TrainOutcome['refit'];
  let pseudo: TrainOutcome['pseudo'];
  if (refitting) {
    if (!inRefit) {
      // Before the refit's first checkpoint: a resume then finds the validated choices here.
      writeFileAtomic(validatedFile, Buffer.from(JSON.stringify(v.outcome)));
      v.model?.dispose();
    }
    const drafted = { threshold: v.outcome.threshold ?? threshold, tta: v.outcome.tta?.on ?? false };
    const labelled = [...data.train, ...data.validation];
    const every: LoadedDataset = { ...data, train: labelled, validation: [] };
    const cases = new Set(labelled.map((x) => x.caseId)).size;
    const keeps = `, ${c.epochs} epochs, the last kept; drafts keep the validated threshold ${drafted.threshold}${v.outcome.tta ? ` and flips ${v.outcome.tta.on ? 'on' : 'off'}` : ''}`;
    // The refit: stored, or (semi-supervised) the teacher of the first student, which labels the unlabelled
    // cases; each student but the last labels them again for the next.
    let r: Awaited<ReturnType<typeof trainMember>> | undefined;
    if (resumedRound === 0) {
      send({
        type: 'log',
        line: `refit: the same training again on every case (${cases} cases, ${labelled.length} slices)${student ? ', then it labels the unlabelled cases' : keeps}`,
      });
      r = await trainMember({ ...setup, data: every }, 0, state, 'refit');
    }
    for (let round = Math.max(1, resumedRound); round <= rounds; round++) {
      const labels = await pseudoLabelled(setup, r?.model, drafted, round);
      r?.model.dispose();
      send({
        type: 'log',
        line: `refit with the pseudo-labels${rounds > 1 ? ` of round ${round}/${rounds}` : ''}: the same training again on every case (${cases} cases, ${labelled.length} slices) and the pseudo-labels' ${labels?.stats.keptSlices ?? 0} slices${labels ? ` of ${labels.stats.cases} unlabelled cases` : ''}${round === rounds ? keeps : ''}`,
      });
      if (labels)
        pseudo = {
          ...labels.stats,
          minConfidence: c.semiSupervised!.minConfidence,
          threshold: drafted.threshold,
          tta: drafted.tta,
          rounds,
        };
      const withPseudo = { ...every, train: [...labelled, ...(labels?.refs ?? [])] };
      r = await trainMember({ ...setup, data: withPseudo }, 0, state, { student: round });
    }
    input = r!.input;
    writeFileAtomic(weightsFile, encodeWeights({ unet: r!.model.config }, await r!.model.weights()));
    r!.model.dispose();
    // The stored network's slot: the refit's, or the last student's.
    const slot = M + rounds;
    refit = {
      epochs: c.epochs,
      keptEpoch: r!.keptEpoch ?? slot * c.epochs + c.epochs - 1,
      cases,
      slices: labelled.length,
      seconds: state.history
        .filter((x) => x.epoch >= slot * c.epochs && x.epoch < (slot + 1) * c.epochs)
        .reduce((t, x) => t + x.seconds, 0),
    };
  } else {
    writeFileAtomic(weightsFile, await v.weights!());
    v.model!.dispose();
  }
  const o = v.outcome;
  return {
    epochs: state.history,
    weightsFile,
    trainSeconds: state.trainSeconds,
    ...(o.keptEpoch !== undefined ? { keptEpoch: o.keptEpoch, kept: o.kept ?? 'last' } : {}),
    threshold: o.threshold ?? threshold,
    ...(o.tta ? { tta: o.tta } : {}),
    ...(o.calibration ? { calibration: o.calibration } : {}),
    ...(v.ensemble ? { ensemble: v.ensemble } : {}),
    ...(c.averageDecay !== undefined ? { averageDecay: c.averageDecay } : {}),
    ...(input ? { input } : {}),
    ...(labelValues ? { labels: labelValues } : {}),
    ...(o.labelDice ? { labelDice: o.labelDice } : {}),
    ...(refit ? { refit } : {}),
    ...(pseudo ? { pseudo } : {}),
  };
}

/** The pseudo-labels of a semi-supervised run's round for its student: made now by the teacher (the refit,
 *  or the student of the round before) at the validated threshold and flips, and written to the round's
 *  pseudoFile; or, in a run resumed inside that student (`teacher` undefined), read back from there. Null
 *  when the data set has no unlabelled slices. */
async function pseudoLabelled(
  s: MemberSetup,
  teacher: Network | undefined,
  drafted: { threshold: number; tta: boolean },
  round: number,
): Promise<ReturnType<typeof readPseudo>> {
  const { job, data, send, signal } = s;
  const semi = job.config.semiSupervised!;
  if (data.unlabelled.length === 0) {
    send({
      type: 'log',
      line: 'semi-supervised: the data set has no unlabelled slices; labelled cases only',
    });
    return null;
  }
  if (!teacher) {
    const stored = readPseudo(job.runDir, round, data.unlabelled);
    if (!stored)
      throw new Error(
        `the run stopped in its refit with the pseudo-labels but they (${pseudoFile(round)}) are missing or do not fit its data set; start a new run`,
      );
    send({ type: 'log', line: 'semi-supervised: the pseudo-labels were made before the resume' });
    return stored;
  }
  const n = data.unlabelled.length;
  send({
    type: 'log',
    line: `semi-supervised: ${round === 1 ? 'the refit' : `round ${round - 1}'s student`} labels ${n} slices of ${new Set(data.unlabelled.map((x) => x.caseId)).size} unlabelled case(s) at threshold ${drafted.threshold}${drafted.tta ? ' with its flips' : ''}, confidence floor ${semi.minConfidence}`,
  });
  let reported = 0;
  const labels = await labelUnlabelled(teacher, data.unlabelled, {
    threshold: drafted.threshold,
    minConfidence: semi.minConfidence,
    tta: drafted.tta,
    seed: job.config.seed,
    signal,
    onSlice: (done) => {
      s.checkCancel();
      // About every tenth of the slices, and the last.
      if (done === n || done - reported >= Math.max(1, Math.ceil(n / 10))) {
        reported = done;
        send({ type: 'log', line: `pseudo-labels: ${done} of ${n} slices labelled` });
      }
    },
  });
  if (signal.aborted) throw new CancelledError('training');
  writePseudo(job.runDir, round, n, labels);
  const st = labels.stats;
  send({
    type: 'log',
    line: `pseudo-labels: ${st.casesWithForeground} of ${st.cases} unlabelled case(s) with foreground, ${st.foregroundPixels} foreground pixels, ${(100 * st.confidentFraction).toFixed(1)}% of pixels confident (weight > 0), mean weight ${st.meanWeight.toFixed(3)}; ${st.keptSlices} slices kept for the refit`,
  });
  return labels;
}

/** The validated choices a refitting run kept before its refit started. */
function readValidated(file: string): ValidatedOutcome {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ValidatedOutcome;
  } catch (e) {
    throw new Error(
      `the run stopped in its refit but its validated choices (${path.basename(file)}) cannot be read: ${(e as Error).message}; start a new run`,
    );
  }
}

/** The validated network (or ensemble), live, with what validation chose for it and its weights file's
 *  bytes; a run resumed inside its refit has only the choices. */
interface Validated {
  outcome: ValidatedOutcome;
  model?: Network;
  weights?: () => Promise<Uint8Array>;
  input?: MemberOutcome['input'];
  ensemble?: TrainOutcome['ensemble'];
}

/** Trains the run's network, or each member of its ensemble, keeps the best validated epoch (keepBest) and
 *  chooses the drafts' threshold and flips on the validation cases. */
async function trainValidated(s: MemberSetup, state: RunState, severalLabels: boolean): Promise<Validated> {
  const { job, data, send, signal, threshold, byValue } = s;
  const c = job.config;
  const M = memberCount(c.unet);
  // One network: trained and kept. An ensemble: each member trained in turn (or found done in its member
  // file), then all of them loaded side by side.
  let model: Network;
  let single: MemberOutcome | undefined;
  let input: MemberOutcome['input'];
  const members: NamedWeights[][] = [];
  const memberKept: NonNullable<TrainOutcome['ensemble']>['members'] = [];
  if (M === 1) {
    single = await trainMember(s, 0, state);
    model = single.model;
    input = single.input;
  } else {
    for (let k = 0; k < M; k++) {
      const file = path.join(job.runDir, memberFile(k));
      if (!fs.existsSync(file)) {
        // Trained now: its kept weights from the live network (its member file holds the same).
        const r = await trainMember(s, k, state);
        input = r.input;
        // Copied: a backend may hand out views of memory that dispose frees.
        members.push((await r.model.weights()).map((w) => ({ ...w, values: w.values.slice() })));
        r.model.dispose();
      } else {
        if (job.resume) send({ type: 'log', line: `member ${k + 1}/${M}: done before the resume` });
        const w = readWeights(file);
        input = w.meta.unet.input;
        members.push(w.weights);
      }
      memberKept.push(keptOf(state, k, c.epochs, c.keepBest ?? false));
    }
    model = loadNetwork(ensembleConfig(c.unet, input), ensembleWeights(members));
  }
  const keptEpoch = single?.keptEpoch;
  const keptRecord = state.history.find((r) => r.epoch === keptEpoch);
  // The ensemble's own validation, as one network's kept epoch gives its.
  let ensemble: TrainOutcome['ensemble'];
  if (M > 1 && data.validation.length > 0) {
    const v = await validationDice(model, data.validation, { signal, threshold });
    if (signal.aborted) throw new CancelledError('training');
    const labelDice = byValue(v.perLabel);
    ensemble = {
      members: memberKept,
      dice: v.dice,
      caseDice: v.perCase,
      ...(labelDice ? { labelDice } : {}),
    };
    send({
      type: 'log',
      line: `the ensemble: validation Dice ${v.dice.toFixed(4)} (its members ${memberKept.map((m) => m.dice?.toFixed(4) ?? 'n/a').join(', ')})`,
    });
  }
  const plainDice = ensemble ? ensemble.dice : (keptRecord?.validationDice ?? null);
  let tta: TrainOutcome['tta'];
  let calibration: TrainOutcome['calibration'];
  let drafted = threshold;
  if (!severalLabels && data.validation.length > 0 && (c.tta || c.calibrateThreshold)) {
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
  } else if (c.tta && data.validation.length > 0 && plainDice !== null) {
    const withFlips = await validationDice(model, data.validation, { signal, threshold, tta: true });
    const flipped = withFlips.dice;
    if (signal.aborted) throw new CancelledError('training');
    tta = { plain: plainDice, flipped, on: flipped > plainDice };
    const flippedLabels = byValue(withFlips.perLabel);
    if (flippedLabels) tta.labelDice = flippedLabels;
    send({
      type: 'log',
      line: `test-time flips: validation Dice ${flipped.toFixed(4)} against ${plainDice.toFixed(4)} without: ${tta.on ? 'drafts use them' : 'drafts go without'}`,
    });
  }
  const labelDice = keptRecord?.labelDice;
  return {
    outcome: {
      ...(single && keptEpoch !== undefined ? { keptEpoch, kept: single.kept } : {}),
      threshold: drafted,
      ...(tta ? { tta } : {}),
      ...(calibration ? { calibration } : {}),
      ...(labelDice ? { labelDice } : {}),
    },
    model,
    weights: async () =>
      single
        ? encodeWeights({ unet: single.model.config }, await single.model.weights())
        : encodeWeights({ unet: ensembleConfig(c.unet, input) }, ensembleWeights(members)),
    ...(input ? { input } : {}),
    ...(ensemble ? { ensemble } : {}),
  };
}

/** An ensemble's config as its weights file and the registry record it: the run's network config (with
 *  `members`) and the input scaling its members share, in the order run-records.ts writes them. */
function ensembleConfig(unet: UNetConfig, input: MemberOutcome['input']): UNetConfig {
  return input ? { ...unet, input } : unet;
}

/** Member k's kept epoch and its validation Dice, from the run's records: with keepBest the first of its
 *  epochs with the highest validation Dice (as train-member.ts keeps it), else its last. */
function keptOf(
  state: RunState,
  k: number,
  epochs: number,
  keepBest: boolean,
): { keptEpoch: number | null; dice: number | null } {
  const own = state.history.filter((r) => r.epoch >= k * epochs && r.epoch < (k + 1) * epochs);
  let kept = keepBest ? undefined : own.at(-1);
  if (keepBest)
    for (const r of own)
      if (r.validationDice !== null && (kept === undefined || r.validationDice > kept.validationDice!))
        kept = r;
  kept ??= own.at(-1);
  return { keptEpoch: kept?.epoch ?? null, dice: kept?.validationDice ?? null };
}
