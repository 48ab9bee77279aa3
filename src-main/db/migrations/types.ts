export interface Migration {
  /** 1, 2, 3, … in order; becomes PRAGMA user_version once applied. */
  version: number;
  name: string;
  /** Run in one transaction with the user_version bump. */
  sql: string;
  /**
   * Run with foreign key enforcement off (SQLite's procedure for rebuilding a table that others refer to:
   * the pragma cannot change inside a transaction). The runner checks every foreign key before committing
   * and turns enforcement back on after.
   */
  rebuildsTables?: true;
}
