// The model registry (migration 004): rows <-> ModelInfo. config_json is the U-Net's UNetConfig plus
// cropSize and how drafts are made (threshold, tta; absent in models stored before them: 0.5, no flips); labels_json [{ value, name }]; normalisation_json a Normalisation; training_data_json
// { target, cases: { <caseId>: revisionIds[] }, split }; metrics_json { validationDice, caseDice, epochs, ... }.
import type { ModelInfo, Normalisation } from '../../core/model';
import type { Db } from '../open';

interface Raw {
  id: number;
  project_id: number | null;
  name: string;
  architecture: string;
  format_version: number;
  config_json: string;
  labels_json: string;
  normalisation_json: string;
  weights_sha256: string;
  weights_bytes: number;
  training_data_json: string;
  metrics_json: string;
  backend: string | null;
  parent_model_id: number | null;
  run_id: number | null;
  origin: 'trained' | 'imported';
  created_by: string;
  created_at: string;
}

function toInfo(r: Raw): ModelInfo {
  const config = JSON.parse(r.config_json) as ModelInfo['config'] & {
    cropSize?: number;
    threshold?: number;
    tta?: boolean;
  };
  const { cropSize, threshold, tta, ...unet } = config;
  return {
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    architecture: r.architecture,
    formatVersion: r.format_version,
    config: unet,
    labels: JSON.parse(r.labels_json) as ModelInfo['labels'],
    normalisation: JSON.parse(r.normalisation_json) as Normalisation,
    cropSize: cropSize ?? 128,
    inference: { threshold: threshold ?? 0.5, tta: tta ?? false },
    trainingData: JSON.parse(r.training_data_json) as Record<string, unknown>,
    metrics: JSON.parse(r.metrics_json) as Record<string, unknown>,
    backend: r.backend,
    parentModelId: r.parent_model_id,
    runId: r.run_id,
    origin: r.origin,
    weightsSha256: r.weights_sha256,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

export interface NewModel {
  projectId: number | null;
  name: string;
  architecture: string;
  formatVersion: number;
  config: ModelInfo['config'];
  cropSize: number;
  /** Absent: 0.5 and no flips. */
  inference?: ModelInfo['inference'];
  labels: ModelInfo['labels'];
  normalisation: Normalisation;
  weightsSha256: string;
  weightsBytes: number;
  trainingData: Record<string, unknown>;
  metrics: Record<string, unknown>;
  backend: string | null;
  parentModelId: number | null;
  runId: number | null;
  origin: 'trained' | 'imported';
  createdBy: string;
  createdAt: string;
}

/** Records the weights blob (if new) and the model; call inside a transaction with the audit row. */
export function insertModel(db: Db, m: NewModel): number {
  db.prepare('INSERT OR IGNORE INTO blobs (sha256, byte_length, created_at) VALUES (?, ?, ?)').run(
    m.weightsSha256,
    m.weightsBytes,
    m.createdAt,
  );
  return Number(
    db
      .prepare(
        `INSERT INTO models (project_id, name, architecture, format_version, config_json, labels_json,
           normalisation_json, weights_sha256, weights_bytes, training_data_json, metrics_json, backend,
           parent_model_id, run_id, origin, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        m.projectId,
        m.name,
        m.architecture,
        m.formatVersion,
        JSON.stringify({ ...m.config, cropSize: m.cropSize, ...(m.inference ?? {}) }),
        JSON.stringify(m.labels),
        JSON.stringify(m.normalisation),
        m.weightsSha256,
        m.weightsBytes,
        JSON.stringify(m.trainingData),
        JSON.stringify(m.metrics),
        m.backend,
        m.parentModelId,
        m.runId,
        m.origin,
        m.createdBy,
        m.createdAt,
      ).lastInsertRowid,
  );
}

export function getModel(db: Db, id: number): ModelInfo | undefined {
  const r = db.prepare('SELECT * FROM models WHERE id = ?').get(id) as Raw | undefined;
  return r && toInfo(r);
}

export function listModels(db: Db, projectId?: number): ModelInfo[] {
  const rows =
    projectId === undefined
      ? (db.prepare('SELECT * FROM models ORDER BY id').all() as Raw[])
      : (db.prepare('SELECT * FROM models WHERE project_id = ? ORDER BY id').all(projectId) as Raw[]);
  return rows.map(toInfo);
}

export function recordUncertainty(db: Db, modelId: number, volumeId: number, bits: number, at: string): void {
  db.prepare(
    `INSERT OR REPLACE INTO volume_uncertainty (model_id, volume_id, mean_entropy_bits, computed_at)
     VALUES (?, ?, ?, ?)`,
  ).run(modelId, volumeId, bits, at);
}
