// Schema 11: the viewer's measurements, kept with their volume (and so their case). One row per ruler or
// ellipse: who drew it, on which slice (the voxel axis through it and the index along it), and its two
// points in continuous voxel indices (JSON [[i, j, k], [i, j, k]], centres at integers). Lengths, areas and
// statistics are not stored: they follow from the points and the volume (core/measure), so they can never
// disagree with them. A deletion is a mark (when and by whom), so that undoing it brings back the same
// measurement and the audit can name it; the name is unique per volume and author among all rows.
import type { Migration } from './types';

export const migration011: Migration = {
  version: 11,
  name: 'measurements',
  sql: `
CREATE TABLE measurements (
  id INTEGER PRIMARY KEY,
  volume_id INTEGER NOT NULL REFERENCES volumes(id) ON DELETE CASCADE,
  annotator_id INTEGER NOT NULL REFERENCES annotators(id),
  kind TEXT NOT NULL CHECK (kind IN ('ruler', 'ellipse')),
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  axis INTEGER NOT NULL CHECK (axis IN (0, 1, 2)),
  slice INTEGER NOT NULL CHECK (slice >= 0),
  points_json TEXT NOT NULL CHECK (json_valid(points_json) AND json_array_length(points_json) = 2),
  created_at TEXT NOT NULL,
  deleted_at TEXT,
  deleted_by TEXT,
  CHECK ((deleted_at IS NULL) = (deleted_by IS NULL)),
  UNIQUE (volume_id, annotator_id, name)
);
CREATE INDEX measurements_volume ON measurements(volume_id);
`,
};
