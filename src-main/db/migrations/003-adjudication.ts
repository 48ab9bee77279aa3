// Schema 3: adjudication. A reviewer adjudicates a volume's raters into a working reference mask
// (a derived annotation edited by decisions), then signs it off as the case's reference mask (another derived
// annotation, named 'reference', stored with its provenance); a signed-off case may be reopened, with a
// reason. Decisions, sign-offs and reopenings are append-only (triggers), like revisions and the audit log.
//
// adjudications: one per volume; label is the label value (1..255) adjudicated. Its status is derived, not
//   stored: signed off when its newest sign-off has no reopening.
// adjudication_decisions: kind 'seed' (the working mask's first revision, copied from seed revision), or a
//   region decision ('take-rater', 'take-consensus': the label's voxels of the region taken from
//   source_revision_id) or 'manual' (a hand edit). region_json: { agreementId, regionId, voxels, bbox } where
//   bbox is { min: [i,j,k], max: [i,j,k] } inclusive voxel indices; null when not tied to a region.
//   result_revision_id is the working mask's revision the decision made; voxels_changed counts voxels whose
//   label changed. A rationale is required for every decision but the seed.
// sign_offs: the reference annotation/revision created, and the working revision it was made from.
// case_reopenings: at most one per sign-off (who, when, why).
// Timestamps are ISO-8601 UTC strings.
import type { Migration } from './types';

export const migration003: Migration = {
  version: 3,
  name: 'adjudication: decisions, sign-offs, reopenings',
  sql: `
CREATE TABLE adjudications (
  id INTEGER PRIMARY KEY,
  volume_id INTEGER NOT NULL UNIQUE REFERENCES volumes(id) ON DELETE RESTRICT,
  label INTEGER NOT NULL CHECK (label BETWEEN 1 AND 255),
  working_annotation_id INTEGER NOT NULL UNIQUE REFERENCES annotations(id) ON DELETE RESTRICT,
  seed_revision_id INTEGER NOT NULL REFERENCES annotation_revisions(id),
  started_by TEXT NOT NULL,
  started_at TEXT NOT NULL
);
CREATE TRIGGER adjudications_no_update BEFORE UPDATE ON adjudications
BEGIN SELECT RAISE(ABORT, 'adjudications are append-only'); END;
CREATE TRIGGER adjudications_no_delete BEFORE DELETE ON adjudications
BEGIN SELECT RAISE(ABORT, 'adjudications are append-only'); END;

CREATE TABLE adjudication_decisions (
  id INTEGER PRIMARY KEY,
  adjudication_id INTEGER NOT NULL REFERENCES adjudications(id) ON DELETE RESTRICT,
  kind TEXT NOT NULL CHECK (kind IN ('seed', 'take-rater', 'take-consensus', 'manual')),
  region_json TEXT,
  source_revision_id INTEGER REFERENCES annotation_revisions(id),
  rationale TEXT NOT NULL,
  result_revision_id INTEGER NOT NULL REFERENCES annotation_revisions(id),
  voxels_changed INTEGER NOT NULL CHECK (voxels_changed >= 0),
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  CHECK (kind = 'seed' OR length(trim(rationale)) > 0),
  CHECK ((kind IN ('seed', 'take-rater', 'take-consensus')) = (source_revision_id IS NOT NULL)),
  CHECK (kind NOT IN ('take-rater', 'take-consensus') OR region_json IS NOT NULL)
);
CREATE INDEX adjudication_decisions_of ON adjudication_decisions(adjudication_id);
CREATE TRIGGER adjudication_decisions_no_update BEFORE UPDATE ON adjudication_decisions
BEGIN SELECT RAISE(ABORT, 'adjudication decisions are append-only'); END;
CREATE TRIGGER adjudication_decisions_no_delete BEFORE DELETE ON adjudication_decisions
BEGIN SELECT RAISE(ABORT, 'adjudication decisions are append-only'); END;

CREATE TABLE sign_offs (
  id INTEGER PRIMARY KEY,
  adjudication_id INTEGER NOT NULL REFERENCES adjudications(id) ON DELETE RESTRICT,
  reference_annotation_id INTEGER NOT NULL UNIQUE REFERENCES annotations(id),
  reference_revision_id INTEGER NOT NULL REFERENCES annotation_revisions(id),
  working_revision_id INTEGER NOT NULL REFERENCES annotation_revisions(id),
  comment TEXT,
  signed_by TEXT NOT NULL,
  signed_at TEXT NOT NULL
);
CREATE INDEX sign_offs_of ON sign_offs(adjudication_id);
CREATE TRIGGER sign_offs_no_update BEFORE UPDATE ON sign_offs
BEGIN SELECT RAISE(ABORT, 'sign-offs are append-only'); END;
CREATE TRIGGER sign_offs_no_delete BEFORE DELETE ON sign_offs
BEGIN SELECT RAISE(ABORT, 'sign-offs are append-only'); END;

CREATE TABLE case_reopenings (
  id INTEGER PRIMARY KEY,
  sign_off_id INTEGER NOT NULL UNIQUE REFERENCES sign_offs(id) ON DELETE RESTRICT,
  reopened_by TEXT NOT NULL,
  reopened_at TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (length(trim(reason)) > 0)
);
CREATE TRIGGER case_reopenings_no_update BEFORE UPDATE ON case_reopenings
BEGIN SELECT RAISE(ABORT, 'reopenings are append-only'); END;
CREATE TRIGGER case_reopenings_no_delete BEFORE DELETE ON case_reopenings
BEGIN SELECT RAISE(ABORT, 'reopenings are append-only'); END;
`,
};
