// The ordered, append-only list of schema migrations. Never edit or reorder an entry that has shipped:
// add a new one. The store records each applied migration's checksum and refuses a database whose
// history differs from this list.
import { migration001 } from './001-initial';
import { migration002 } from './002-labelling';
import { migration004 } from './004-training';
import type { Migration } from './types';

/**
 * Migration 3 belongs to another branch (reference sign-off); until the lead merges it, this branch keeps
 * 004's number with an empty stand-in in its place. The merge replaces this stand-in with the real 003
 * (a workspace migrated by this branch alone is a development workspace and is refused afterwards).
 */
const migration003StandIn: Migration = { version: 3, name: 'reserved for migration 003', sql: '' };

export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003StandIn,
  migration004,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
