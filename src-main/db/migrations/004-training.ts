// Schema 4: training. Runs (status, configuration, backend, split, per-epoch metrics, per-case validation
// Dice, log, timings), the model registry (architecture, labels, training data, metrics, backend, parent
// model, weights blob), the Dice between an AI draft and the annotator's final mask, and the uncertainty of
// a model's prediction per volume (active learning).
//
// Timestamps are ISO-8601 UTC strings; seconds are wall-clock seconds; Dice is in [0, 1]; entropy is in
// bits per voxel (binary entropy of the model's foreground probability, 0..1). JSON columns hold the
// documented shapes of src-main/db/repositories/{training-runs,models}.ts.
import type { Migration } from './types';

export const migration004: Migration = {
  version: 4,
  name: 'training: runs, model registry, draft outcomes, uncertainty',
  sql: `
CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  project_id INTEGER REFERENCES projects(id) ON DELETE RESTRICT,
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  -- 'unet2d'; format_version is the model package format the weights follow
  architecture TEXT NOT NULL,
  format_version INTEGER NOT NULL,
  config_json TEXT NOT NULL,
  labels_json TEXT NOT NULL,
  normalisation_json TEXT NOT NULL,
  weights_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  weights_bytes INTEGER NOT NULL,
  training_data_json TEXT NOT NULL DEFAULT '{}',
  metrics_json TEXT NOT NULL DEFAULT '{}',
  backend TEXT,
  parent_model_id INTEGER REFERENCES models(id) ON DELETE RESTRICT,
  run_id INTEGER REFERENCES training_runs(id),
  origin TEXT NOT NULL CHECK (origin IN ('trained', 'imported')),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX models_project ON models(project_id);

CREATE TABLE training_runs (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE RESTRICT,
  status TEXT NOT NULL CHECK (status IN ('running', 'cancelled', 'failed', 'completed')),
  target TEXT NOT NULL,
  config_json TEXT NOT NULL,
  -- the backend that ran (selectBackend's active name) and its full report
  backend TEXT,
  backend_json TEXT,
  base_model_id INTEGER REFERENCES models(id),
  model_id INTEGER REFERENCES models(id),
  split_json TEXT NOT NULL,
  training_data_json TEXT NOT NULL,
  epochs_done INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  -- the trainer's log (its last 64 KiB); the whole log is in the run folder
  log TEXT NOT NULL DEFAULT '',
  run_dir TEXT NOT NULL,
  -- the trainer's process id while it runs (to tell a live run from one whose host died)
  pid INTEGER,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  train_seconds REAL NOT NULL DEFAULT 0
);
CREATE INDEX training_runs_project ON training_runs(project_id);

CREATE TABLE training_epochs (
  run_id INTEGER NOT NULL REFERENCES training_runs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL CHECK (epoch >= 0),
  loss REAL NOT NULL,
  validation_dice REAL,
  seconds REAL NOT NULL,
  images_per_second REAL NOT NULL,
  learning_rate REAL,
  PRIMARY KEY (run_id, epoch)
);

CREATE TABLE training_case_dice (
  run_id INTEGER NOT NULL REFERENCES training_runs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  dice REAL NOT NULL,
  PRIMARY KEY (run_id, epoch, case_id)
);

CREATE TABLE draft_outcomes (
  id INTEGER PRIMARY KEY,
  annotation_id INTEGER NOT NULL REFERENCES annotations(id),
  draft_revision_id INTEGER NOT NULL REFERENCES annotation_revisions(id),
  final_revision_id INTEGER NOT NULL REFERENCES annotation_revisions(id),
  model_id INTEGER REFERENCES models(id),
  dice REAL NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  UNIQUE (annotation_id, final_revision_id)
);

CREATE TABLE volume_uncertainty (
  model_id INTEGER NOT NULL REFERENCES models(id),
  volume_id INTEGER NOT NULL REFERENCES volumes(id),
  mean_entropy_bits REAL NOT NULL,
  computed_at TEXT NOT NULL,
  PRIMARY KEY (model_id, volume_id)
);
`,
};
