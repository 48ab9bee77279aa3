export interface Migration {
  /** 1, 2, 3, … in order; becomes PRAGMA user_version once applied. */
  version: number;
  name: string;
  /** Run in one transaction with the user_version bump. */
  sql: string;
}
