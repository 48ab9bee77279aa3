// Schema 5: mask revisions stored as deltas (services/masks/mask-store.ts says why and how they are bounded).
//
// annotation_revisions gains how its blob stores the labels:
//  - storage 'snapshot': the blob is the whole mask (workspace/mask-codec.ts); base_id NULL, chain 0/0.
//    Every revision written before this migration is one (the defaults), so old workspaces read as before.
//  - storage 'delta': the blob is one patch (workspace/mask-codec-delta.ts) over the labels of revision
//    base_id, an earlier revision of the same annotation; chain_depth = the base's + 1 (how many deltas a
//    reader applies after the nearest snapshot), chain_bytes = the base's + this blob's bytes.
// A trigger refuses rows that break those rules, so a chain always ends at a snapshot and its length is
// what the row says (rows are immutable and never deleted: migrations 001, 002).
//
// revision_snapshots: a whole-mask blob materialised for a delta revision, for readers that need one file
// per revision (the trainer process reads mask files by path). Append-only, one per revision; its blob is
// referenced here, so blob collection keeps it.
import type { Migration } from './types';

export const migration005: Migration = {
  version: 5,
  name: 'mask revisions as snapshots or deltas',
  sql: `
ALTER TABLE annotation_revisions ADD COLUMN storage TEXT NOT NULL DEFAULT 'snapshot'
  CHECK (storage IN ('snapshot', 'delta'));
ALTER TABLE annotation_revisions ADD COLUMN base_id INTEGER REFERENCES annotation_revisions(id);
ALTER TABLE annotation_revisions ADD COLUMN chain_depth INTEGER NOT NULL DEFAULT 0 CHECK (chain_depth >= 0);
ALTER TABLE annotation_revisions ADD COLUMN chain_bytes INTEGER NOT NULL DEFAULT 0 CHECK (chain_bytes >= 0);

CREATE TRIGGER revisions_chain BEFORE INSERT ON annotation_revisions
WHEN NOT (
  (NEW.storage = 'snapshot' AND NEW.base_id IS NULL AND NEW.chain_depth = 0 AND NEW.chain_bytes = 0)
  OR (NEW.storage = 'delta' AND EXISTS (
    SELECT 1 FROM annotation_revisions b
    WHERE b.id = NEW.base_id AND b.annotation_id = NEW.annotation_id
      AND NEW.chain_depth = b.chain_depth + 1 AND NEW.chain_bytes > b.chain_bytes))
)
BEGIN SELECT RAISE(ABORT, 'a delta revision must rest on an earlier revision of its annotation, one step deeper'); END;

CREATE TABLE revision_snapshots (
  revision_id INTEGER PRIMARY KEY REFERENCES annotation_revisions(id) ON DELETE RESTRICT,
  blob_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  created_at TEXT NOT NULL
);
CREATE TRIGGER revision_snapshots_immutable BEFORE UPDATE ON revision_snapshots
BEGIN SELECT RAISE(ABORT, 'revision snapshots are immutable'); END;
CREATE TRIGGER revision_snapshots_no_delete BEFORE DELETE ON revision_snapshots
BEGIN SELECT RAISE(ABORT, 'revision snapshots are never deleted'); END;
`,
};
