// Who may do what. Every data-changing labelling action is attributed to the signed-in profile of the
// window (Electron) or connection (web host) and refused when signed out. The profile is re-read from the
// database on every call, so the role in force is the stored one, not what the session remembered.
import type { Role } from '../../../src-preload/contract';
import { ForbiddenError } from '../../core/errors';
import { getAnnotator } from '../../db/repositories/annotators';
import type { Db } from '../../db/open';
import type { CallContext } from '../context';

export interface Profile {
  id: number;
  name: string;
  role: Role;
}

/** The signed-in profile, or ForbiddenError naming what needed it. */
export function requireProfile(db: Db, ctx: CallContext, what: string): Profile {
  const s = ctx.session.annotator;
  const row = s ? getAnnotator(db, s.id) : undefined;
  if (!s || !row) {
    ctx.session.annotator = null;
    throw new ForbiddenError(`sign in first: ${what} needs a signed-in profile`);
  }
  return { id: row.id, name: row.name, role: row.role };
}

export function requireRole(profile: Profile, roles: readonly Role[], what: string): void {
  if (!roles.includes(profile.role)) {
    throw new ForbiddenError(
      `${what} needs the role ${roles.join(' or ')} (${profile.name} is ${profile.role})`,
    );
  }
}
