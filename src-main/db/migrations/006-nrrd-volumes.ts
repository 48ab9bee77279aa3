// Schema 6: volumes may come from NRRD files (source_format 'nrrd').
//
// SQLite cannot change a CHECK constraint in place (and better-sqlite3 runs in defensive mode, so the
// schema text cannot be edited), so the volumes table is rebuilt with the wider CHECK, same columns, same
// rows, same ids, by SQLite's documented procedure (https://sqlite.org/lang_altertable.html, "other kinds of
// table schema changes"): foreign keys off (rebuildsTables), new table, copy, drop the old, rename the new,
// index again; the runner checks every reference before committing. The tables that refer to volumes
// (annotations, adjudications, model runs) name it "volumes", which the new table takes.
import type { Migration } from './types';

export const migration006: Migration = {
  version: 6,
  name: 'volumes from NRRD files',
  rebuildsTables: true,
  sql: `
CREATE TABLE volumes_006 (
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
  source_format TEXT NOT NULL CHECK (source_format IN ('nifti', 'dicom', 'png', 'nrrd')),
  source_json TEXT NOT NULL,
  patient_json TEXT,
  stats_min REAL NOT NULL,
  stats_max REAL NOT NULL,
  stats_mean REAL NOT NULL,
  imported_at TEXT NOT NULL,
  imported_by TEXT NOT NULL
);
INSERT INTO volumes_006 SELECT * FROM volumes;
DROP TABLE volumes;
ALTER TABLE volumes_006 RENAME TO volumes;
CREATE INDEX volumes_case ON volumes(case_id);
`,
};
