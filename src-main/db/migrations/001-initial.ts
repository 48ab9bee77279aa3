// Schema 1: projects, cases, content-addressed blobs, volumes, labels, annotators, annotations with
// revisions, a hash-chained audit log, and key/value settings.
//
// Geometry columns: dims are voxel counts along i, j, k; affine_lps is a JSON array of 16 numbers,
// row-major, mapping (i, j, k, 1) to LPS millimetres. Timestamps are ISO-8601 UTC strings.
import type { Migration } from './types';

export const migration001: Migration = {
  version: 1,
  name: 'initial schema',
  sql: `
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
  created_at TEXT NOT NULL
);

CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE RESTRICT,
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  created_at TEXT NOT NULL,
  UNIQUE (project_id, name)
);

-- Voxel data lives in files named by their sha256 (blobs/<first two hex>/<sha256>); this row says it exists.
CREATE TABLE blobs (
  sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
  byte_length INTEGER NOT NULL CHECK (byte_length >= 0),
  created_at TEXT NOT NULL
);

CREATE TABLE annotators (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('annotator', 'reviewer', 'admin')),
  password_hash TEXT,
  created_at TEXT NOT NULL
);

-- Volumes are immutable once imported.
CREATE TABLE volumes (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE RESTRICT,
  name TEXT NOT NULL,
  blob_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  scalar_type TEXT NOT NULL CHECK (scalar_type IN ('uint8','int8','uint16','int16','uint32','int32','float32','float64')),
  dim_i INTEGER NOT NULL CHECK (dim_i > 0),
  dim_j INTEGER NOT NULL CHECK (dim_j > 0),
  dim_k INTEGER NOT NULL CHECK (dim_k > 0),
  frames INTEGER NOT NULL DEFAULT 1 CHECK (frames > 0),
  affine_lps TEXT NOT NULL,
  rescale_slope REAL NOT NULL,
  rescale_intercept REAL NOT NULL,
  modality TEXT,
  source_format TEXT NOT NULL CHECK (source_format IN ('nifti', 'dicom', 'png')),
  -- files, description, DICOM UIDs, patient position; never patient identity
  source_json TEXT NOT NULL,
  -- patient name / ID / birth date, only when the user opted in at import
  patient_json TEXT,
  stats_min REAL NOT NULL,
  stats_max REAL NOT NULL,
  stats_mean REAL NOT NULL,
  imported_at TEXT NOT NULL,
  imported_by TEXT NOT NULL
);
CREATE INDEX volumes_case ON volumes(case_id);

CREATE TABLE labels (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 255),
  name TEXT NOT NULL,
  color TEXT NOT NULL CHECK (color GLOB '#[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]'),
  UNIQUE (project_id, value)
);

-- One annotation = one author's (or one derivation's) mask of one volume; its content is its revisions.
CREATE TABLE annotations (
  id INTEGER PRIMARY KEY,
  volume_id INTEGER NOT NULL REFERENCES volumes(id) ON DELETE RESTRICT,
  annotator_id INTEGER REFERENCES annotators(id),
  kind TEXT NOT NULL CHECK (kind IN ('manual', 'derived')),
  created_at TEXT NOT NULL,
  CHECK ((kind = 'manual') = (annotator_id IS NOT NULL))
);
CREATE INDEX annotations_volume ON annotations(volume_id);

-- Every save is a new revision, never an overwrite. provenance_json: for manual edits the tool; for
-- derivations the method, parameters and input revision ids.
CREATE TABLE annotation_revisions (
  id INTEGER PRIMARY KEY,
  annotation_id INTEGER NOT NULL REFERENCES annotations(id) ON DELETE RESTRICT,
  parent_id INTEGER REFERENCES annotation_revisions(id),
  blob_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  author TEXT NOT NULL,
  tool TEXT,
  provenance_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
);
CREATE INDEX revisions_annotation ON annotation_revisions(annotation_id);
CREATE TRIGGER revisions_immutable BEFORE UPDATE ON annotation_revisions
BEGIN SELECT RAISE(ABORT, 'annotation revisions are immutable'); END;

-- Append-only; each row's hash covers the previous row's hash, so an edit anywhere breaks the chain.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL
);
`,
};
