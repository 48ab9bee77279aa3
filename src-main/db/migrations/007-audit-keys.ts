// Schema 7 (6 until migration 006 lands before it): identity across machines and an audit trail keyed with the workspace key (db/audit.ts).
//
// annotators.uid: a profile's stable id, a random UUID (v4), the same on every machine that receives the
// profile in an exchange bundle (the local integer id differs from machine to machine). Existing profiles
// get one here; a profile inserted without one gets one from a trigger; it never changes.
//
// audit_log gains:
//  - mac: HMAC-SHA256 with the workspace's key over the row (db/audit-rows.ts). Rows written before this
//    migration get theirs in the same transaction when the workspace is opened with its key (`after`); an
//    UPDATE may only fill a missing mac, nothing else. Once the trail is sealed, a row without a mac is
//    refused: nothing can append unkeyed rows to a keyed workspace.
//  - origin_workspace, origin_id, origin_prev_hash, origin_hash: for a row imported from another workspace,
//    the workspace that wrote it (its 32-hex id) and the row's id, previous hash and hash there; all NULL
//    for the workspace's own rows. One origin row is imported at most once.
//
// audit_seal: one row, the sealed head: the last row's hash and the row count, signed with the workspace's
// Ed25519 key, rewritten in each append's transaction; workspace_id and public_key_pem say which key sealed
// the trail and never change once set. Until keyed (a bare openDatabase, as tests use), workspace_id and
// signature are NULL.
import { keyExistingAudit } from '../audit';
import type { Migration } from './types';

/** A random UUID v4 (lower-case hex); SQLite evaluates randomblob() per row. */
const UUID_SQL = `lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
  substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
  substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))`;

export const migration007: Migration = {
  // Its place in MIGRATIONS (index.ts): 6 while this branch has no migration 006; 7 once it follows it.
  version: 6,
  name: 'profile uids, keyed audit rows with their origin, sealed audit head',
  sql: `
ALTER TABLE annotators ADD COLUMN uid TEXT CHECK (uid IS NULL OR length(uid) = 36);
UPDATE annotators SET uid = ${UUID_SQL};
CREATE UNIQUE INDEX annotators_uid ON annotators(uid);
CREATE TRIGGER annotators_uid_made AFTER INSERT ON annotators WHEN NEW.uid IS NULL
BEGIN UPDATE annotators SET uid = ${UUID_SQL} WHERE id = NEW.id; END;
CREATE TRIGGER annotators_uid_kept BEFORE UPDATE OF uid ON annotators
WHEN OLD.uid IS NOT NULL AND NEW.uid IS NOT OLD.uid
BEGIN SELECT RAISE(ABORT, 'a profile keeps its uid'); END;

ALTER TABLE audit_log ADD COLUMN mac TEXT;
ALTER TABLE audit_log ADD COLUMN origin_workspace TEXT;
ALTER TABLE audit_log ADD COLUMN origin_id INTEGER;
ALTER TABLE audit_log ADD COLUMN origin_prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN origin_hash TEXT;
CREATE UNIQUE INDEX audit_origin ON audit_log(origin_workspace, origin_id) WHERE origin_workspace IS NOT NULL;

CREATE TABLE audit_seal (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  workspace_id TEXT,
  public_key_pem TEXT,
  row_count INTEGER NOT NULL CHECK (row_count >= 0),
  last_hash TEXT NOT NULL,
  signature TEXT,
  sealed_at TEXT
);
INSERT INTO audit_seal (id, row_count, last_hash)
  SELECT 1, count(*), coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), '${'0'.repeat(64)}')
  FROM audit_log;
CREATE TRIGGER audit_seal_no_delete BEFORE DELETE ON audit_seal
BEGIN SELECT RAISE(ABORT, 'the audit seal is never deleted'); END;
CREATE TRIGGER audit_seal_identity BEFORE UPDATE ON audit_seal
WHEN OLD.workspace_id IS NOT NULL
  AND (NEW.workspace_id IS NOT OLD.workspace_id OR NEW.public_key_pem IS NOT OLD.public_key_pem)
BEGIN SELECT RAISE(ABORT, 'the audit seal keeps the key that sealed it'); END;

DROP TRIGGER audit_no_update;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
WHEN NOT (OLD.mac IS NULL AND NEW.mac IS NOT NULL AND NEW.id = OLD.id AND NEW.at IS OLD.at
  AND NEW.actor IS OLD.actor AND NEW.action IS OLD.action AND NEW.detail_json IS OLD.detail_json
  AND NEW.prev_hash IS OLD.prev_hash AND NEW.hash IS OLD.hash AND NEW.origin_workspace IS OLD.origin_workspace
  AND NEW.origin_id IS OLD.origin_id AND NEW.origin_prev_hash IS OLD.origin_prev_hash
  AND NEW.origin_hash IS OLD.origin_hash)
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_keyed BEFORE INSERT ON audit_log
WHEN NEW.mac IS NULL AND EXISTS (SELECT 1 FROM audit_seal WHERE signature IS NOT NULL)
BEGIN SELECT RAISE(ABORT, 'this workspace''s audit trail is sealed: a row needs its MAC (the workspace key)'); END;
CREATE TRIGGER audit_origin_whole BEFORE INSERT ON audit_log
WHEN NOT ((NEW.origin_workspace IS NULL AND NEW.origin_id IS NULL AND NEW.origin_prev_hash IS NULL
    AND NEW.origin_hash IS NULL)
  OR (NEW.origin_workspace IS NOT NULL AND NEW.origin_id IS NOT NULL AND NEW.origin_prev_hash IS NOT NULL
    AND NEW.origin_hash IS NOT NULL))
BEGIN SELECT RAISE(ABORT, 'an imported audit row names its whole origin'); END;
`,
  after: (db, { workspaceKey }) => {
    if (workspaceKey) keyExistingAudit(db, workspaceKey);
  },
};
