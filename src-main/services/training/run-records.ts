// What a training run leaves in the workspace besides its progress: the model a finished run stores in the
// registry, and the failure recorded for a run whose host died while it trained (its trainer's pid no
// longer alive), found the next time the workspace is opened.
import fs from 'node:fs';
import path from 'node:path';
import { appendAudit } from '../../db/audit';
import { insertModel } from '../../db/repositories/models';
import { getLabel } from '../../db/repositories/labels';
import {
  finishRun,
  getRun,
  listRunningRuns,
  runCaseDice,
  runExtras,
  runMetrics,
  type RunRow,
} from '../../db/repositories/training-runs';
import { CHECKPOINT_FILE, type TrainOutcome } from '../../training/process/protocol';
import type { Workspace } from '../../workspace/workspace';
import { ARCHITECTURE, packageFormatVersion } from './model-package';
import { storedConfig, unetConfigOf } from './run-config';

/** Whether a run folder (relative to the workspace) holds a checkpoint to resume from. */
export function resumableIn(ws: Workspace): (runDir: string) => boolean {
  return (runDir) => fs.existsSync(path.join(ws.dir, runDir, CHECKPOINT_FILE));
}

/** Runs recorded as running whose trainer is gone (the host died): failed, with why. */
export function recoverOrphans(ws: Workspace, isLive: (runId: number) => boolean): void {
  for (const r of listRunningRuns(ws.db)) {
    if (isLive(r.id) || processAlive(r.pid)) continue;
    ws.db.transaction(() => {
      finishRun(ws.db, r.id, {
        status: 'failed',
        error: 'the application stopped while this run was training',
        log: logTail(ws, r.id),
        at: new Date().toISOString(),
      });
      appendAudit(ws.db, {
        actor: 'concord',
        action: 'training.fail',
        detail: { runId: r.id, reason: 'orphaned' },
      });
    })();
  }
}

function logTail(ws: Workspace, runId: number): string {
  const row = getRun(ws.db, runId, resumableIn(ws));
  if (!row) return '';
  try {
    return fs.readFileSync(path.join(ws.dir, row.runDir, 'trainer.log'), 'utf8').slice(-64 * 1024);
  } catch {
    return '';
  }
}

function processAlive(pid: number | null): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How a run's stored weights were chosen and are to be used (the trainer's outcome), as the run's record
 *  and its model's training data keep it. */
export function recipeOutcome(t: TrainOutcome): Record<string, unknown> {
  return {
    keptEpoch: t.keptEpoch ?? null,
    kept: t.kept ?? 'last',
    threshold: t.threshold ?? 0.5,
    tta: t.tta ?? null,
    // The validation scan that chose the threshold (process/calibrate.ts), when the run calibrated it.
    ...(t.calibration ? { calibration: t.calibration } : {}),
    averageDecay: t.averageDecay ?? null,
    // Several labels: the kept epoch's validation Dice per label value (validationDice is their mean).
    ...(t.labelDice ? { labelDice: t.labelDice } : {}),
    // A semi-supervised run's pseudo-label rounds (how many voxels each made confident, their weight).
    ...(t.pseudo ? { pseudo: t.pseudo } : {}),
    // An ensemble: its validation Dice (per case, per label) and each member's kept epoch and Dice.
    ...(t.ensemble ? { ensemble: t.ensemble } : {}),
    // A refit: the network stored was trained again on every case (its epochs, last epoch, cases, slices,
    // seconds); the kept epoch, threshold and flips above are the validated network's.
    ...(t.refit ? { refit: t.refit } : {}),
  };
}

/** Stores a finished run's weights as a registry model (blob first, then the row and its audit row); the
 *  run's record gains how they were chosen (recipeOutcome). Its metrics are the kept epoch's. */
export async function storeRunModel(
  ws: Workspace,
  row: RunRow,
  outcome: TrainOutcome,
  actor: string,
): Promise<number> {
  const runId = row.id;
  const c = storedConfig(row.config);
  const bytes = fs.readFileSync(outcome.weightsFile);
  const stored = await ws.blobs.put(bytes);
  const metrics = runMetrics(ws.db, runId);
  const last = metrics.find((m) => m.epoch === outcome.keptEpoch) ?? metrics.at(-1);
  const caseDice = runCaseDice(ws.db, runId);
  // What the stored model scored on validation: one network's kept epoch, or the ensemble as a whole.
  const ens = outcome.ensemble;
  const validation = ens
    ? { validationDice: ens.dice, caseDice: ens.caseDice, keptEpoch: null }
    : {
        validationDice: last?.validationDice ?? null,
        caseDice: last ? (caseDice[String(last.epoch)] ?? {}) : {},
        keptEpoch: last?.epoch ?? null,
      };
  const labelDice = ens ? ens.labelDice : outcome.labelDice;
  const labels = c.labels.map((value) => ({
    value,
    name: getLabel(ws.db, row.projectId, value)?.name ?? `Label ${value}`,
  }));
  const recipe = recipeOutcome(outcome);
  const trainingData = { ...runExtras(ws.db, runId).trainingData, recipe };
  const at = new Date().toISOString();
  // The architecture as the weights file's meta holds it (model-package.ts compares the two on import),
  // with the input scaling the trainer chose.
  const config = { ...unetConfigOf(c), ...(outcome.input ? { input: outcome.input } : {}) };
  return ws.db.transaction(() => {
    ws.db
      .prepare('UPDATE training_runs SET training_data_json = ? WHERE id = ?')
      .run(JSON.stringify(trainingData), runId);
    const modelId = insertModel(ws.db, {
      projectId: row.projectId,
      name: `run ${runId} (${row.target})`,
      architecture: ARCHITECTURE,
      formatVersion: packageFormatVersion(config),
      config,
      cropSize: c.cropSize,
      inference: { threshold: outcome.threshold ?? 0.5, tta: outcome.tta?.on ?? false },
      labels,
      normalisation: c.normalisation!,
      weightsSha256: stored.sha256,
      weightsBytes: stored.byteLength,
      trainingData: { ...trainingData, split: row.split, runId },
      metrics: {
        ...validation,
        validationDiceWithFlips: outcome.tta?.flipped ?? null,
        ...(labelDice ? { labelDice } : {}),
        ...(outcome.tta?.labelDice ? { labelDiceWithFlips: outcome.tta.labelDice } : {}),
        epochs: metrics.length,
        trainSeconds: metrics.reduce((s, m) => s + m.seconds, 0),
        finalLoss: last?.loss ?? null,
      },
      backend: row.backend,
      parentModelId: row.baseModelId,
      runId,
      origin: 'trained',
      createdBy: actor,
      createdAt: at,
    });
    appendAudit(
      ws.db,
      { actor, action: 'model.create', detail: { modelId, runId, sha256: stored.sha256 } },
      at,
    );
    return modelId;
  })();
}
