// Training run rows <-> RunInfo / RunDetail (migration 004). config_json is the run's TrainingStartRequest
// with defaults filled in; split_json { train: caseId[], validation: caseId[], by, validationSubjects,
// sharedSubjects } (the last three since subjects); training_data_json maps a case id (string) to the
// revision ids its target came from.
import type { EpochMetrics, RunDetail, RunInfo, RunStatus, TrainingTarget } from '../../core/model';
import type { Db } from '../open';

interface Raw {
  id: number;
  project_id: number;
  status: RunStatus;
  target: string;
  config_json: string;
  backend: string | null;
  backend_json: string | null;
  base_model_id: number | null;
  model_id: number | null;
  split_json: string;
  training_data_json: string;
  epochs_done: number;
  error: string | null;
  log: string;
  run_dir: string;
  pid: number | null;
  created_by: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  train_seconds: number;
}

export interface RunRow extends RunInfo {
  runDir: string;
  pid: number | null;
}

function toRow(r: Raw, resumable: (runDir: string) => boolean): RunRow {
  const config = JSON.parse(r.config_json) as Record<string, unknown>;
  // A semi-supervised run of this version: it refits, then trains a student per label round (absent: one).
  // An earlier version's, with pseudo-label `rounds` made while training, trained neither.
  const semi = config['semiSupervised'] as { rounds?: number; labelRounds?: number } | null | undefined;
  const student = config['refit'] === true && !!semi && semi.rounds === undefined;
  const labelRounds = student ? (semi.labelRounds ?? 1) : 0;
  const backend = r.backend_json ? (JSON.parse(r.backend_json) as { device?: string }) : null;
  return {
    id: r.id,
    projectId: r.project_id,
    status: r.status,
    target: r.target as TrainingTarget,
    config,
    backend: r.backend,
    backendDevice: backend?.device ?? null,
    baseModelId: r.base_model_id,
    modelId: r.model_id,
    // Epochs in all: an ensemble's members train theirs one after another, a refit's follow the validated
    // network's, a semi-supervised run's students' the refit's (numbered through the run).
    epochs:
      Number(config['epochs'] ?? 0) *
      (Number(config['members'] ?? 1) + (config['refit'] ? 1 : 0) + labelRounds),
    members: Number(config['members'] ?? 1),
    refit: config['refit'] === true,
    semiSupervised: student,
    labelRounds,
    epochsDone: r.epochs_done,
    split: JSON.parse(r.split_json) as RunInfo['split'],
    error: r.error,
    createdBy: r.created_by,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    trainSeconds: r.train_seconds,
    resumable: (r.status === 'cancelled' || r.status === 'failed') && resumable(r.run_dir),
    runDir: r.run_dir,
    pid: r.pid,
  };
}

export function toRunInfo(r: RunRow): RunInfo {
  const { runDir: _d, pid: _p, ...info } = r;
  return info;
}

export interface NewRun {
  projectId: number;
  target: TrainingTarget;
  config: Record<string, unknown>;
  baseModelId: number | null;
  split: RunInfo['split'];
  trainingData: Record<string, unknown>;
  runDir: string;
  createdBy: string;
  createdAt: string;
}

/** Call inside a transaction with the audit row. */
export function insertRun(db: Db, r: NewRun): number {
  return Number(
    db
      .prepare(
        `INSERT INTO training_runs (project_id, status, target, config_json, base_model_id, split_json,
           training_data_json, run_dir, created_by, created_at)
         VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.projectId,
        r.target,
        JSON.stringify(r.config),
        r.baseModelId,
        JSON.stringify(r.split),
        JSON.stringify(r.trainingData),
        r.runDir,
        r.createdBy,
        r.createdAt,
      ).lastInsertRowid,
  );
}

export function getRun(db: Db, id: number, resumable: (runDir: string) => boolean): RunRow | undefined {
  const r = db.prepare('SELECT * FROM training_runs WHERE id = ?').get(id) as Raw | undefined;
  return r && toRow(r, resumable);
}

export function listRuns(db: Db, projectId: number, resumable: (runDir: string) => boolean): RunRow[] {
  return (
    db.prepare('SELECT * FROM training_runs WHERE project_id = ? ORDER BY id').all(projectId) as Raw[]
  ).map((r) => toRow(r, resumable));
}

/** Runs recorded as running (to find those whose trainer died with its host). */
export function listRunningRuns(db: Db): { id: number; pid: number | null }[] {
  return db.prepare("SELECT id, pid FROM training_runs WHERE status = 'running'").all() as {
    id: number;
    pid: number | null;
  }[];
}

export function markStarted(db: Db, id: number, pid: number | null, at: string, config?: object): void {
  db.prepare(
    `UPDATE training_runs SET status = 'running', pid = ?, started_at = coalesce(started_at, ?), error = NULL,
       finished_at = NULL, config_json = coalesce(?, config_json) WHERE id = ?`,
  ).run(pid, at, config ? JSON.stringify(config) : null, id);
}

export function setBackend(db: Db, id: number, backend: string, report: object): void {
  db.prepare('UPDATE training_runs SET backend = ?, backend_json = ? WHERE id = ?').run(
    backend,
    JSON.stringify(report),
    id,
  );
}

export function finishRun(
  db: Db,
  id: number,
  f: {
    status: Exclude<RunStatus, 'running'>;
    error: string | null;
    log: string;
    modelId?: number;
    at: string;
  },
): void {
  db.prepare(
    `UPDATE training_runs SET status = ?, error = ?, log = ?, model_id = coalesce(?, model_id), finished_at = ?,
       pid = NULL WHERE id = ?`,
  ).run(f.status, f.error, f.log, f.modelId ?? null, f.at, id);
}

/** Records (or replaces, after a resume repeats it) one epoch's metrics and per-case Dice. */
export function recordEpoch(db: Db, runId: number, m: EpochMetrics, caseDice: Record<string, number>): void {
  db.prepare(
    `INSERT OR REPLACE INTO training_epochs (run_id, epoch, loss, validation_dice, seconds, images_per_second,
       learning_rate) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(runId, m.epoch, m.loss, m.validationDice, m.seconds, m.imagesPerSecond, m.learningRate);
  const put = db.prepare(
    'INSERT OR REPLACE INTO training_case_dice (run_id, epoch, case_id, dice) VALUES (?, ?, ?, ?)',
  );
  for (const [caseId, dice] of Object.entries(caseDice)) put.run(runId, m.epoch, Number(caseId), dice);
  db.prepare(
    `UPDATE training_runs SET epochs_done = (SELECT count(*) FROM training_epochs WHERE run_id = ?),
       train_seconds = (SELECT coalesce(sum(seconds), 0) FROM training_epochs WHERE run_id = ?) WHERE id = ?`,
  ).run(runId, runId, runId);
}

/** Drops epochs at or after `from` (a resume restarts from the checkpoint before them). */
export function dropEpochsFrom(db: Db, runId: number, from: number): void {
  db.prepare('DELETE FROM training_epochs WHERE run_id = ? AND epoch >= ?').run(runId, from);
  db.prepare('DELETE FROM training_case_dice WHERE run_id = ? AND epoch >= ?').run(runId, from);
}

export function runMetrics(db: Db, runId: number): EpochMetrics[] {
  return db
    .prepare(
      `SELECT epoch, loss, validation_dice AS validationDice, seconds, images_per_second AS imagesPerSecond,
         learning_rate AS learningRate FROM training_epochs WHERE run_id = ? ORDER BY epoch`,
    )
    .all(runId) as EpochMetrics[];
}

export function runCaseDice(db: Db, runId: number): RunDetail['caseDice'] {
  const out: RunDetail['caseDice'] = {};
  const rows = db
    .prepare('SELECT epoch, case_id AS caseId, dice FROM training_case_dice WHERE run_id = ? ORDER BY epoch')
    .all(runId) as { epoch: number; caseId: number; dice: number }[];
  for (const r of rows) (out[String(r.epoch)] ??= {})[String(r.caseId)] = r.dice;
  return out;
}

export function runExtras(
  db: Db,
  runId: number,
): {
  trainingData: Record<string, unknown>;
  log: string;
  backendUnavailable: { backend: string; reason: string }[];
} {
  const r = db
    .prepare('SELECT training_data_json AS d, log, backend_json AS b FROM training_runs WHERE id = ?')
    .get(runId) as { d: string; log: string; b: string | null };
  const report = r.b ? (JSON.parse(r.b) as { unavailable?: { backend: string; reason: string }[] }) : {};
  return {
    trainingData: JSON.parse(r.d) as Record<string, unknown>,
    log: r.log,
    backendUnavailable: report.unavailable ?? [],
  };
}
