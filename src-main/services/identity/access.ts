// Who may do what. Every data-changing labelling action is attributed to the signed-in profile of the
// window (Electron) or connection (web host) and refused when signed out. The profile is re-read from the
// database on every call, so the role in force is the stored one, not what the session remembered.
// Reads of the workspace (projects, cases, volumes and their voxels, labels, profiles for the sign-in list,
// the view state) stay open to a signed-out window, so that anyone at the workstation can look at a scan;
// every write needs a signed-in profile, and creating projects or importing volumes a reviewer or admin.
// The one signed-out write is the very first profile of a workspace, which must be an admin (profiles.ts),
// and the view state (which volume and window/level the app reopens on: display state, not data).
import type { Role } from '../../core/model';
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

/** The signed-in profile, or null when signed out (for reads that show less to a signed-out window). */
export function currentProfile(db: Db, ctx: CallContext): Profile | null {
  const s = ctx.session.annotator;
  const row = s ? getAnnotator(db, s.id) : undefined;
  if (!s || !row) {
    ctx.session.annotator = null;
    return null;
  }
  return { id: row.id, name: row.name, role: row.role };
}

/** Roles that set up data: create projects and import volumes. */
export const DATA_MANAGERS: readonly Role[] = ['reviewer', 'admin'];

export function requireRole(profile: Profile, roles: readonly Role[], what: string): void {
  if (!roles.includes(profile.role)) {
    throw new ForbiddenError(
      `${what} needs the role ${roles.join(' or ')} (${profile.name} is ${profile.role})`,
    );
  }
}
