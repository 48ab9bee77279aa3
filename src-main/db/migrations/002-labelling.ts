// Schema 2: labelling. Label display (visibility, opacity) and a default label for projects that have none;
// per-annotation work state (worklist status, time spent, flag comment); one manual annotation per
// (volume, annotator); per-revision voxel counts; revisions that are never deleted and form one line per
// annotation (a new revision's parent must be the current head: the database itself refuses a lost update);
// the review state of a case (opening a case for review unblinds its annotations); profile names unique
// regardless of case.
//
// time_spent_sec is seconds of focused work reported by the renderer. label_voxels_json maps a label value
// (as a string) to its voxel count in that revision, e.g. {"1": 6844}. Timestamps are ISO-8601 UTC strings.
import type { Migration } from './types';

export const migration002: Migration = {
  version: 2,
  name: 'labelling: label display, work state, review state, linear revisions',
  sql: `
ALTER TABLE labels ADD COLUMN visible INTEGER NOT NULL DEFAULT 1 CHECK (visible IN (0, 1));
ALTER TABLE labels ADD COLUMN opacity REAL NOT NULL DEFAULT 0.5 CHECK (opacity >= 0 AND opacity <= 1);
INSERT INTO labels (project_id, value, name, color)
  SELECT p.id, 1, 'Lesion', '#ff0000' FROM projects p
  WHERE NOT EXISTS (SELECT 1 FROM labels l WHERE l.project_id = p.id);

-- For derived annotations (kind = 'derived'): what made them, shown as their author ("STAPLE", "model 3").
ALTER TABLE annotations ADD COLUMN name TEXT;
ALTER TABLE annotations ADD COLUMN status TEXT NOT NULL DEFAULT 'not-started'
  CHECK (status IN ('not-started', 'in-progress', 'done', 'flagged'));
ALTER TABLE annotations ADD COLUMN status_at TEXT;
ALTER TABLE annotations ADD COLUMN time_spent_sec REAL NOT NULL DEFAULT 0 CHECK (time_spent_sec >= 0);
ALTER TABLE annotations ADD COLUMN flag_comment TEXT;
CREATE UNIQUE INDEX annotations_manual_once ON annotations(volume_id, annotator_id) WHERE kind = 'manual';
CREATE INDEX annotations_annotator ON annotations(annotator_id);

ALTER TABLE annotation_revisions ADD COLUMN label_voxels_json TEXT NOT NULL DEFAULT '{}';
CREATE INDEX revisions_blob ON annotation_revisions(blob_sha256);
CREATE TRIGGER revisions_no_delete BEFORE DELETE ON annotation_revisions
BEGIN SELECT RAISE(ABORT, 'annotation revisions are never deleted'); END;
CREATE TRIGGER revisions_linear BEFORE INSERT ON annotation_revisions
WHEN NEW.parent_id IS NOT (SELECT max(id) FROM annotation_revisions WHERE annotation_id = NEW.annotation_id)
BEGIN SELECT RAISE(ABORT, 'conflict: the parent revision is not the head of this annotation'); END;

CREATE TABLE case_reviews (
  case_id INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
  opened_at TEXT NOT NULL,
  opened_by TEXT NOT NULL
);

CREATE UNIQUE INDEX annotators_name_nocase ON annotators(name COLLATE NOCASE);
`,
};
