import type { WorkspaceKey } from '../../workspace/workspace-key';
import type { Db } from '../open';

export interface Migration {
  /** 1, 2, 3, … in order; becomes PRAGMA user_version once applied. */
  version: number;
  name: string;
  /** Run in one transaction with the user_version bump. */
  sql: string;
  /**
   * Work SQL cannot do (keyed hashes), run after `sql` in the same transaction; not part of the checksum,
   * which covers the schema.
   */
  after?: (db: Db, context: MigrationContext) => void;
}

export interface MigrationContext {
  /** The workspace's key when the database is opened as a workspace (workspace/workspace.ts). */
  workspaceKey?: WorkspaceKey;
}
