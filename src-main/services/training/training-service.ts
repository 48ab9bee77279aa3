// Training runs' lifecycle and their trainer processes: prepares a run's data in the main process
// (targets, split by case or subject, data set file), trains in a trainer process (trainer-launcher.ts), records
// progress as it comes (backend, per-epoch metrics, per-case validation Dice), and at the end stores the
// model in the registry (run-records.ts). A trainer that fails, crashes or is killed leaves its run
// 'failed' with the error and its log; the workspace is only ever written by this process, in short
// transactions, so it stays intact. The configuration is checked in run-config.ts; runs left 'running' by
// a host that died are failed at start (run-records.ts).
//
// Run folder (workspace/training/runs/<uuid>/): dataset.bin, checkpoint.bin (after each epoch), weights.bin
// (at the end), trainer.log.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RunDetail, RunInfo, EventChannel, Events, TrainingStartRequest } from '@contract';
import { ConflictError, InputError, NotFoundError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import { getModel } from '../../db/repositories/models';
import { caseSubjects, getProject } from '../../db/repositories/projects';
import {
  dropEpochsFrom,
  finishRun,
  getRun,
  insertRun,
  listRuns,
  markStarted,
  recordEpoch,
  runCaseDice,
  runExtras,
  runMetrics,
  setBackend,
  toRunInfo,
  type RunRow,
} from '../../db/repositories/training-runs';
import { getLabel } from '../../db/repositories/labels';
import {
  CANCEL_FILE,
  CHECKPOINT_FILE,
  type CheckpointMeta,
  type FromTrainer,
  type PrepareSpec,
  type TrainJob,
} from '../../training/process/protocol';
import { readTensorFile } from '../../training/process/tensor-file';
import { defaultNormalisation } from '../../training/process/normalise';
import type { Workspace } from '../../workspace/workspace';
import { inThreadCodec, type MaskCodec } from '../../workers/mask-codec-pool';
import { snapshotBlobOf } from '../masks/revision-reader';
import { getRevision } from '../../db/repositories/revisions';
import { splitCases } from './dataset';
import { int, resolveRunConfig, storedConfig, trainConfig, withDataDefaults } from './run-config';
import { recoverOrphans, resumableIn, storeRunModel } from './run-records';
import { planTargets, planUnlabelled } from './targets';
import { startTrainerJob, type RunningJob } from './trainer-job';
import type { TrainerLauncher } from './trainer-launcher';

/** Pushes a training event to the windows that may hear it (CallContext.publish: every signed-in window). */
export type TrainingEmit = <E extends EventChannel>(event: E, payload: Events[E]) => void;

export class TrainingService {
  private readonly running = new Map<number, { job: RunningJob; finished: Promise<RunInfo> }>();

  constructor(
    private readonly ws: Workspace,
    private readonly launch: TrainerLauncher,
    /** Encodes the whole-mask files the trainer reads (worker threads in the app hosts). */
    private readonly maskCodec: MaskCodec = inThreadCodec,
  ) {
    this.resumable = resumableIn(ws);
    this.recoverOrphans();
  }

  /** Runs recorded as running whose trainer is gone (the host died): failed, with why. */
  recoverOrphans(): void {
    recoverOrphans(this.ws, (runId) => this.running.has(runId));
  }

  private runsDir(): string {
    return path.join(this.ws.dir, 'training', 'runs');
  }

  private readonly resumable: (runDir: string) => boolean;

  /** Prepares and starts a run; answers once the trainer process is started. */
  async start(req: TrainingStartRequest, actor: string, emit: TrainingEmit): Promise<RunInfo> {
    const requested = resolveRunConfig(this.ws.db, req);
    if (!getProject(this.ws.db, requested.projectId))
      throw new NotFoundError(`project ${requested.projectId} does not exist`);
    const plan = planTargets(this.ws, requested.projectId, requested.target);
    // A semi-supervised run's unlabelled cases (targets.ts says which); validation stays on labelled ones.
    const unlabelled = requested.semiSupervised ? planUnlabelled(this.ws, requested.projectId) : [];
    if (requested.semiSupervised && unlabelled.length === 0)
      throw new InputError(
        undefined,
        'semi-supervised training needs unlabelled cases (a volume without masks); this project has none',
      );
    // 2.5D, the crop size and the labels follow the project's volumes and masks unless the request set them.
    const c = withDataDefaults(
      requested,
      plan.cases.map((x) => x.volume.dims),
      plan.usedLabels,
    );
    // Pseudo-labels are one label's confidence (data/pseudo-labels.ts): a run of several labels is refused.
    if (c.semiSupervised && c.labels.length > 1)
      throw new InputError(
        undefined,
        `semi-supervised training learns one label; this run would train ${c.labels.length} (${c.labels.join(', ')}): pick one with --label`,
      );
    const labelNames = c.labels.map((value) => {
      const l = getLabel(this.ws.db, c.projectId, value);
      if (!l) throw new InputError(undefined, `label ${value} is not defined in this project`);
      return { value, name: l.name };
    });
    const subjects = caseSubjects(this.ws.db, c.projectId);
    const split = splitCases(
      plan.cases.map((x) => ({ id: x.caseId, subject: subjects.get(x.caseId) ?? null })),
      c.validationFraction,
      c.seed,
      c.splitBy,
    );
    const first = plan.cases[0]!.volume;
    const normalisation = c.normalisation ?? defaultNormalisation(first.modality, first.stats.min);
    // The trainer process reads mask files by path: each input revision as one whole-mask blob (a delta
    // revision gets one materialised and recorded once; revision-reader.ts).
    const maskFiles = new Map<number, string>();
    for (const x of plan.cases) {
      for (const i of x.inputs) {
        const sha = await snapshotBlobOf(
          this.ws,
          getRevision(this.ws.db, i.revisionId)!,
          x.volume.dims,
          this.maskCodec,
        );
        maskFiles.set(i.revisionId, this.ws.blobs.pathOf(sha));
      }
    }
    const rel = path.join('training', 'runs', randomUUID());
    const runDir = path.join(this.ws.dir, rel);
    fs.mkdirSync(runDir, { recursive: true });
    const config = { ...c, normalisation };
    const val = new Set(split.validation);
    const prepare: PrepareSpec = {
      combine: plan.combine,
      label: c.label,
      ...(c.labels.length > 1 ? { labels: c.labels } : {}),
      normalisation,
      seed: c.seed,
      neighbours: c.neighbours,
      cases: plan.cases.map((x) => ({
        caseId: x.caseId,
        caseName: x.caseName,
        split: val.has(x.caseId) ? 'validation' : 'train',
        voxelsFile: this.ws.blobs.pathOf(x.volume.checksum),
        scalarType: x.volume.scalarType,
        dims: x.volume.dims,
        rescale: x.volume.rescale,
        maskFiles: x.inputs.map((i) => maskFiles.get(i.revisionId)!),
      })),
    };
    for (const u of unlabelled)
      prepare.cases.push({
        caseId: u.caseId,
        caseName: u.caseName,
        split: 'unlabelled',
        voxelsFile: this.ws.blobs.pathOf(u.volume.checksum),
        scalarType: u.volume.scalarType,
        dims: u.volume.dims,
        rescale: u.volume.rescale,
        maskFiles: [],
      });
    const trainingData = {
      target: c.target,
      label: c.label,
      // The labels the model segments, in its channel order (several: one softmax model over all of them).
      labels: labelNames,
      cases: Object.fromEntries(plan.cases.map((x) => [String(x.caseId), x.inputs.map((i) => i.revisionId)])),
      volumes: Object.fromEntries(plan.cases.map((x) => [String(x.caseId), x.volume.id])),
      // The agreement's raters per case: its submitted annotations, or all its manual ones where nobody
      // had submitted the case.
      ...(plan.combine === 'agreement'
        ? { raters: Object.fromEntries(plan.cases.map((x) => [String(x.caseId), x.raters ?? 'all manual'])) }
        : {}),
      skipped: plan.skipped,
      // Case id -> volume id of the cases a semi-supervised run pseudo-labels.
      ...(unlabelled.length > 0
        ? { unlabelled: Object.fromEntries(unlabelled.map((u) => [String(u.caseId), u.volume.id])) }
        : {}),
    };
    const at = new Date().toISOString();
    const runId = this.ws.db.transaction(() => {
      const id = insertRun(this.ws.db, {
        projectId: c.projectId,
        target: c.target,
        config,
        baseModelId: c.baseModelId,
        split,
        trainingData,
        runDir: rel,
        createdBy: actor,
        createdAt: at,
      });
      appendAudit(
        this.ws.db,
        {
          actor,
          action: 'training.start',
          detail: { runId: id, projectId: c.projectId, target: c.target, split },
        },
        at,
      );
      return id;
    })();
    let initialWeights: string | undefined;
    if (c.baseModelId !== null) {
      const base = getModel(this.ws.db, c.baseModelId)!;
      initialWeights = this.ws.blobs.pathOf(base.weightsSha256);
    }
    this.launchRun(
      runId,
      {
        kind: 'train',
        runDir,
        config: trainConfig(c),
        prepare,
        resume: false,
        ...(initialWeights ? { initialWeights } : {}),
      },
      actor,
      emit,
    );
    return this.info(runId);
  }

  /** Continues a cancelled or failed run from its checkpoint (optionally to more epochs in all). */
  resume(runId: number, actor: string, emit: TrainingEmit, epochs?: number): RunInfo {
    const row = this.row(runId);
    if (row.status === 'running') throw new ConflictError(`run ${runId} is running`);
    if (row.status === 'completed' && epochs === undefined)
      throw new InputError(undefined, `run ${runId} is complete; give more epochs to continue it`);
    const runDir = path.join(this.ws.dir, row.runDir);
    const ckFile = path.join(runDir, CHECKPOINT_FILE);
    if (!fs.existsSync(ckFile))
      throw new InputError(
        undefined,
        `run ${runId} has no checkpoint (it stopped before its first epoch ended); start a new run`,
      );
    const ck = readTensorFile<CheckpointMeta>(ckFile).meta;
    const config = storedConfig(row.config);
    // Semi-supervised runs of an earlier version made their pseudo-labels while training (rounds); this
    // trainer makes them before the refit, and cannot go on with theirs.
    if (config.semiSupervised?.rounds !== undefined)
      throw new InputError(
        undefined,
        `run ${runId} is a semi-supervised run of an earlier version of Concord (pseudo-labels made while training); start a new run`,
      );
    // An ensemble's epochs are numbered through its members, a refit's after the validated network's
    // (train-member.ts): more epochs would belong to a network already done.
    if (epochs !== undefined && config.members > 1)
      throw new InputError(
        undefined,
        `run ${runId} trains an ensemble of ${config.members} networks; its epochs cannot be extended (start a new run)`,
      );
    if (epochs !== undefined && config.refit)
      throw new InputError(
        undefined,
        `run ${runId} trains again on every case after its validated epochs; its epochs cannot be extended (start a new run)`,
      );
    if (epochs !== undefined)
      config.epochs = int(epochs, 'epochs', ck.nextEpoch + 1, 10_000, ck.nextEpoch + 1);
    const train = { ...ck.config, epochs: config.epochs };
    const at = new Date().toISOString();
    this.ws.db.transaction(() => {
      dropEpochsFrom(this.ws.db, runId, ck.nextEpoch);
      // A trainer's EpochRecord is the stored metrics plus the per-case Dice.
      for (const r of ck.history) recordEpoch(this.ws.db, runId, r, r.caseDice);
      markStarted(this.ws.db, runId, null, at, config);
      appendAudit(
        this.ws.db,
        {
          actor,
          action: 'training.resume',
          detail: { runId, fromEpoch: ck.nextEpoch, epochs: config.epochs },
        },
        at,
      );
    })();
    this.launchRun(runId, { kind: 'train', runDir, config: train, resume: true }, actor, emit);
    return this.info(runId);
  }

  private launchRun(runId: number, job: TrainJob, actor: string, emit: TrainingEmit): void {
    const logFile = path.join(job.runDir, 'trainer.log');
    const cancelFile = path.join(job.runDir, CANCEL_FILE);
    fs.rmSync(cancelFile, { force: true });
    let running: RunningJob;
    try {
      running = startTrainerJob(this.launch, job, {
        logFile,
        cancelFile,
        onMessage: (m) => this.onMessage(runId, m, emit),
      });
    } catch (e) {
      this.ws.db.transaction(() =>
        finishRun(this.ws.db, runId, {
          status: 'failed',
          error: (e as Error).message,
          log: '',
          at: new Date().toISOString(),
        }),
      )();
      throw e;
    }
    this.ws.db
      .prepare('UPDATE training_runs SET pid = ?, started_at = coalesce(started_at, ?) WHERE id = ?')
      // The trainer's pid; where a launcher does not know it yet (Electron's utilityProcess before its
      // 'spawn' event), the host's: the trainer exits when its host goes, so either tells a live run.
      .run(running.pid ?? process.pid, new Date().toISOString(), runId);
    // Other windows learn of the run (new, or resumed) at once: their lists read again.
    emit('training:status', { runId, status: 'running', modelId: null, error: null, backend: null });
    const finished = running.done.then(async (end) => {
      if (this.closed) return this.closedInfo(runId);
      const at = new Date().toISOString();
      let modelId: number | undefined;
      try {
        if (end.kind === 'done' && end.message.train) {
          modelId = await storeRunModel(this.ws, this.row(runId), end.message.train, actor);
        }
      } catch (e) {
        end = { kind: 'error', message: `storing the model failed: ${(e as Error).message}` };
      }
      const status = end.kind === 'done' ? 'completed' : end.kind === 'cancelled' ? 'cancelled' : 'failed';
      const error = end.kind === 'error' || end.kind === 'crashed' ? end.message : null;
      this.ws.db.transaction(() => {
        finishRun(this.ws.db, runId, {
          status,
          error,
          log: running.log(),
          ...(modelId ? { modelId } : {}),
          at,
        });
        appendAudit(
          this.ws.db,
          {
            actor,
            action: `training.${status === 'completed' ? 'complete' : status === 'cancelled' ? 'cancel' : 'fail'}`,
            detail: { runId, modelId: modelId ?? null, error },
          },
          at,
        );
      })();
      this.running.delete(runId);
      const info = this.info(runId);
      emit('training:status', { runId, status, modelId: info.modelId, error, backend: info.backend });
      return info;
    });
    this.running.set(runId, { job: running, finished });
  }

  private onMessage(runId: number, m: FromTrainer, emit: TrainingEmit): void {
    if (m.type === 'prepared') {
      const { trainingData } = runExtras(this.ws.db, runId);
      this.ws.db
        .prepare('UPDATE training_runs SET training_data_json = ? WHERE id = ?')
        .run(JSON.stringify({ ...trainingData, slices: m.slices }), runId);
    } else if (m.type === 'backend') {
      setBackend(this.ws.db, runId, m.report.active, m.report);
    } else if (m.type === 'batch') {
      emit('training:progress', { ...m.progress, runId, kind: 'batch' });
    } else if (m.type === 'epoch') {
      const r = m.record;
      this.ws.db.transaction(() => recordEpoch(this.ws.db, runId, r, r.caseDice))();
      emit('training:progress', {
        ...m.progress,
        runId,
        kind: 'epoch',
        loss: r.loss,
        ...(r.validationDice !== null ? { validationDice: r.validationDice } : {}),
        caseDice: r.caseDice,
        ...(r.labelDice ? { labelDice: r.labelDice } : {}),
      });
    }
  }

  cancel(runId: number): boolean {
    const r = this.running.get(runId);
    if (!r) return false;
    r.job.cancel();
    return true;
  }

  /** Resolves when the run's trainer has ended and its outcome is recorded. */
  async wait(runId: number): Promise<RunInfo> {
    const r = this.running.get(runId);
    return r ? r.finished : this.info(runId);
  }

  private row(runId: number): RunRow {
    const r = getRun(this.ws.db, runId, this.resumable);
    if (!r) throw new NotFoundError(`training run ${runId} does not exist`);
    return r;
  }

  info(runId: number): RunInfo {
    return toRunInfo(this.row(runId));
  }

  list(projectId: number): RunInfo[] {
    return listRuns(this.ws.db, projectId, this.resumable).map(toRunInfo);
  }

  detail(runId: number): RunDetail {
    const info = this.info(runId);
    const extras = runExtras(this.ws.db, runId);
    const live = this.running.get(runId);
    return {
      ...info,
      metrics: runMetrics(this.ws.db, runId),
      caseDice: runCaseDice(this.ws.db, runId),
      trainingData: extras.trainingData,
      backendUnavailable: extras.backendUnavailable,
      log: live ? live.job.log() : extras.log,
    };
  }

  private closed = false;

  private closedInfo(runId: number): RunInfo {
    return { ...({} as RunInfo), id: runId, status: 'cancelled' };
  }

  /** The host is closing (synchronously, before the workspace closes): every running trainer is killed
   *  and its run recorded as cancelled, resumable from its last checkpoint. */
  close(): void {
    if (this.closed) return;
    const at = new Date().toISOString();
    for (const [runId, r] of this.running) {
      r.job.kill();
      this.ws.db.transaction(() => {
        finishRun(this.ws.db, runId, {
          status: 'cancelled',
          error: 'the application closed while this run was training',
          log: r.job.log(),
          at,
        });
        appendAudit(
          this.ws.db,
          { actor: 'concord', action: 'training.cancel', detail: { runId, reason: 'closing' } },
          at,
        );
      })();
    }
    this.closed = true;
    this.running.clear();
  }
}
