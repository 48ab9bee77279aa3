// Schema (exchange): what bundles between workstations need (services/exchange says how they are used).
//
// exchange_origins: a row that came from another workspace in a bundle keeps its global id there ("origin",
//   e.g. "<workspace id>/revision/17"), so that the same bundle imported twice adds nothing and a row sent
//   back to where it was made is recognised. kind: 'annotation', 'revision', 'adjudication', 'decision',
//   'sign-off', 'reopening'. A row made here has no entry: its global id is "<this workspace id>/<kind>/<id>".
//   Append-only, like the rows it names.
// trusted_signers: the workspaces whose bundles this one accepts (trust on first use, remembered); the
//   public key is SPKI PEM, workspace_id its fingerprint (workspace/workspace-key.ts).
// revisions_linear: revisions still form one line per annotation when saved here (a lost update is refused),
//   but a revision imported from a bundle may fork from an earlier one: two workstations that edited the same
//   revision in parallel keep both branches, never a silent overwrite. An imported revision is inserted with
//   its id given and its exchange_origins row written first, which is what the trigger looks for.
import type { Migration } from './types';

export const migration008: Migration = {
  version: 8,
  name: 'exchange: origins of imported rows, trusted signers, forks from bundles',
  sql: `
CREATE TABLE exchange_origins (
  kind TEXT NOT NULL CHECK (kind IN ('annotation', 'revision', 'adjudication', 'decision', 'sign-off', 'reopening')),
  origin TEXT NOT NULL CHECK (length(origin) > 0),
  local_id INTEGER NOT NULL,
  imported_at TEXT NOT NULL,
  PRIMARY KEY (kind, origin),
  UNIQUE (kind, local_id)
);
CREATE TRIGGER exchange_origins_no_update BEFORE UPDATE ON exchange_origins
BEGIN SELECT RAISE(ABORT, 'exchange origins are append-only'); END;
CREATE TRIGGER exchange_origins_no_delete BEFORE DELETE ON exchange_origins
BEGIN SELECT RAISE(ABORT, 'exchange origins are append-only'); END;

CREATE TABLE trusted_signers (
  workspace_id TEXT PRIMARY KEY CHECK (length(workspace_id) = 32),
  public_key_pem TEXT NOT NULL,
  trusted_at TEXT NOT NULL,
  trusted_by TEXT NOT NULL
);

DROP TRIGGER revisions_linear;
CREATE TRIGGER revisions_linear BEFORE INSERT ON annotation_revisions
WHEN NEW.parent_id IS NOT (SELECT max(id) FROM annotation_revisions WHERE annotation_id = NEW.annotation_id)
  AND NOT EXISTS (SELECT 1 FROM exchange_origins o WHERE o.kind = 'revision' AND o.local_id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'conflict: the parent revision is not the head of this annotation'); END;
`,
};
