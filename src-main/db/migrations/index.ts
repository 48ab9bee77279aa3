// The ordered, append-only list of schema migrations. Never edit or reorder an entry that has shipped:
// add a new one. The store records each applied migration's checksum and refuses a database whose
// history differs from this list.
import { migration001 } from './001-initial';
import { migration002 } from './002-labelling';
import { migration003 } from './003-adjudication';
import { migration004 } from './004-training';
import { migration005 } from './005-revision-deltas';
import { migration006 } from './006-nrrd-volumes';
import { migration007 } from './007-audit-keys';
import { migration008 } from './008-exchange';
import { migration009 } from './009-team';
import { migration010 } from './010-project-kind';
import { migration011 } from './011-measurements';
import { migration012 } from './012-case-subjects';
import type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
  migration012,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
