// Sign-in and sign-out, per window (Electron) or connection (web host): the session lives in the call
// context, so two windows can be signed in as two different profiles. Wrong passwords are audited and
// throttled per profile (sign-in-throttle.ts).
import type { SessionInfo } from '../../core/model';
import { ForbiddenError, InputError, NotFoundError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import { getAnnotator, getAnnotatorRow, isFirstRun, setPasswordHash } from '../../db/repositories/annotators';
import type { CallContext } from '../context';
import { hashPassword, needsRehash, verifyPassword } from './passwords';
import { throttledCheck } from './sign-in-throttle';

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
  now: () => number = Date.now,
): Promise<SessionInfo> {
  const row = getAnnotatorRow(db, req.annotatorId);
  if (!row) throw new NotFoundError(`profile ${req.annotatorId} does not exist`);
  if (row.passwordHash === null) {
    throw new ForbiddenError(
      `${row.name} has no password yet: an admin must set one before they can sign in`,
    );
  }
  const stored = row.passwordHash;
  const { ok, failures } = await throttledCheck(db, row, () => verifyPassword(req.password, stored), now);
  if (!ok) {
    // Who tried is not known (signed out): the actor is the window's local user; the profile is the target.
    db.transaction(() =>
      appendAudit(db, {
        actor: ctx.actor,
        action: 'session.signInFailed',
        detail: { annotatorId: row.id, failures },
      }),
    )();
    throw new InputError(undefined, `wrong password for ${row.name}`);
  }
  // Hashes made with weaker parameters than today's are replaced while the password is at hand.
  if (needsRehash(stored)) {
    const upgraded = await hashPassword(req.password);
    db.transaction(() => setPasswordHash(db, row.id, upgraded))();
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
