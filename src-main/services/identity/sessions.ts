// Sign-in and sign-out, per window (Electron) or connection (web host): the session lives in the call
// context, so two windows can be signed in as two different profiles.
import type { SessionInfo } from '../../core/model';
import { ForbiddenError, InputError, NotFoundError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import { getAnnotator, getAnnotatorRow, isFirstRun } from '../../db/repositories/annotators';
import type { CallContext } from '../context';
import { verifyPassword } from './passwords';

export function sessionInfo(db: Db, ctx: CallContext): SessionInfo {
  const s = ctx.session.annotator;
  const annotator = s ? (getAnnotator(db, s.id) ?? null) : null;
  if (s && !annotator) ctx.session.annotator = null;
  return { annotator, firstRun: isFirstRun(db) };
}

export async function signIn(
  db: Db,
  ctx: CallContext,
  req: { annotatorId: number; password: string },
): Promise<SessionInfo> {
  const row = getAnnotatorRow(db, req.annotatorId);
  if (!row) throw new NotFoundError(`profile ${req.annotatorId} does not exist`);
  if (row.passwordHash === null) {
    throw new ForbiddenError(
      `${row.name} has no password yet: an admin must set one before they can sign in`,
    );
  }
  if (!(await verifyPassword(req.password, row.passwordHash))) {
    throw new InputError(undefined, `wrong password for ${row.name}`);
  }
  ctx.session.annotator = { id: row.id, name: row.name, role: row.role };
  db.transaction(() =>
    appendAudit(db, { actor: row.name, action: 'session.signIn', detail: { annotatorId: row.id } }),
  )();
  return sessionInfo(db, ctx);
}

export function signOut(db: Db, ctx: CallContext): SessionInfo {
  const s = ctx.session.annotator;
  if (s) {
    db.transaction(() =>
      appendAudit(db, { actor: s.name, action: 'session.signOut', detail: { annotatorId: s.id } }),
    )();
  }
  ctx.session.annotator = null;
  return sessionInfo(db, ctx);
}
