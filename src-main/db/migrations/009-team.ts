// Schema 9: a labelling team's project. Projects gain a modality and can be archived (hidden from the import
// target list, kept with everything in them); a case can be moved to another project or removed (admin, with a
// reason): removal hides the case and keeps its rows, since volumes, annotations and revisions are never
// deleted (migrations 001, 002). Case assignments say which annotator labels which case; case submissions
// hold each annotator's submission of a case (the review gate): while submitted, the annotator's masks of the
// case are read-only to them; a reviewer returns it with a comment. Every change is also in the audit log.
//
// case_assignments: one row per (case, annotator); removing an assignment deletes its row (the audit keeps it).
// case_submissions: one row per (case, annotator) that ever submitted; state 'submitted' or 'returned'; on a
//   return, comment is the reviewer's (required), on a submission the annotator's (optional).
// Timestamps are ISO-8601 UTC strings.
import type { Migration } from './types';

export const migration009: Migration = {
  version: 9,
  name: 'team: project modality and archive, case move and removal, assignments, submissions',
  sql: `
ALTER TABLE projects ADD COLUMN modality TEXT;
ALTER TABLE projects ADD COLUMN archived_at TEXT;
ALTER TABLE cases ADD COLUMN removed_at TEXT;
ALTER TABLE cases ADD COLUMN removed_by TEXT;
ALTER TABLE cases ADD COLUMN removed_reason TEXT;

CREATE TRIGGER cases_removed_with_reason BEFORE UPDATE OF removed_at ON cases
WHEN NEW.removed_at IS NOT NULL AND (NEW.removed_by IS NULL OR length(trim(coalesce(NEW.removed_reason, ''))) = 0)
BEGIN SELECT RAISE(ABORT, 'removing a case needs who and a reason'); END;

CREATE TABLE case_assignments (
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE RESTRICT,
  annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE RESTRICT,
  assigned_by TEXT NOT NULL,
  assigned_at TEXT NOT NULL,
  PRIMARY KEY (case_id, annotator_id)
);
CREATE INDEX case_assignments_annotator ON case_assignments(annotator_id);

CREATE TABLE case_submissions (
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE RESTRICT,
  annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE RESTRICT,
  state TEXT NOT NULL CHECK (state IN ('submitted', 'returned')),
  state_at TEXT NOT NULL,
  state_by TEXT NOT NULL,
  comment TEXT,
  submitted_at TEXT NOT NULL,
  CHECK (state = 'submitted' OR length(trim(coalesce(comment, ''))) > 0),
  PRIMARY KEY (case_id, annotator_id)
);
`,
};
