// Annotator profiles: name, role (annotator, reviewer, admin) and a password. The very first profile may
// be created signed out and must be an admin; afterwards only a signed-in admin creates profiles or sets
// passwords. Profiles created by a mask import have no password and cannot sign in until an admin sets one.
import type { AnnotatorInfo, Role } from '../../core/model';
import { InputError, NotFoundError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import {
  findAnnotatorByName,
  getAnnotator,
  insertAnnotator,
  isFirstRun,
  setPasswordHash,
} from '../../db/repositories/annotators';
import type { CallContext } from '../context';
import { requireProfile, requireRole } from './access';
import { checkNewPassword, hashPassword } from './passwords';

export const ROLES: readonly Role[] = ['annotator', 'reviewer', 'admin'];
export const MAX_NAME_LENGTH = 100;

/** A profile name: trimmed, 1..100 characters, no control characters. */
export function checkProfileName(raw: string): string {
  const name = raw.trim();
  if (!name) throw new InputError(undefined, 'a profile needs a name');
  if (name.length > MAX_NAME_LENGTH) {
    throw new InputError(undefined, `a profile name may have at most ${MAX_NAME_LENGTH} characters`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name))
    throw new InputError(undefined, 'a profile name may not hold control characters');
  return name;
}

export async function createProfile(
  db: Db,
  ctx: CallContext,
  req: { name: string; role: Role; password: string },
): Promise<AnnotatorInfo> {
  const name = checkProfileName(req.name);
  checkNewPassword(req.password);
  const first = isFirstRun(db);
  // The first admin is created signed out; every later profile by a signed-in admin.
  const creator = first ? null : requireProfile(db, ctx, 'creating a profile');
  if (creator) requireRole(creator, ['admin'], 'creating a profile');
  else if (req.role !== 'admin') {
    throw new InputError(undefined, 'the first profile must be an admin (it creates the others)');
  }
  if (findAnnotatorByName(db, name))
    throw new InputError(undefined, `a profile named '${name}' already exists`);
  // The hash is computed before the transaction: no await inside it.
  const passwordHash = await hashPassword(req.password);
  const id = db.transaction(() => {
    // Re-checked inside the transaction: another window may have created the first admin meanwhile.
    if (first && !isFirstRun(db))
      throw new InputError(undefined, 'an admin profile already exists; sign in as an admin');
    if (findAnnotatorByName(db, name))
      throw new InputError(undefined, `a profile named '${name}' already exists`);
    const at = new Date().toISOString();
    const annotatorId = insertAnnotator(db, { name, role: req.role, passwordHash }, at);
    appendAudit(
      db,
      {
        actor: creator?.name ?? ctx.actor,
        action: 'annotator.create',
        detail: { annotatorId, name, role: req.role, firstRun: first },
      },
      at,
    );
    return annotatorId;
  })();
  return getAnnotator(db, id)!;
}

export async function setProfilePassword(
  db: Db,
  ctx: CallContext,
  req: { annotatorId: number; password: string },
): Promise<AnnotatorInfo> {
  const admin = requireProfile(db, ctx, 'setting a password');
  requireRole(admin, ['admin'], 'setting a password');
  checkNewPassword(req.password);
  const target = getAnnotator(db, req.annotatorId);
  if (!target) throw new NotFoundError(`profile ${req.annotatorId} does not exist`);
  const passwordHash = await hashPassword(req.password);
  db.transaction(() => {
    setPasswordHash(db, target.id, passwordHash);
    appendAudit(db, {
      actor: admin.name,
      action: 'annotator.setPassword',
      detail: { annotatorId: target.id, name: target.name },
    });
  })();
  return getAnnotator(db, target.id)!;
}

/**
 * The profile named `name`, created without a password (role annotator) when absent; for mask imports.
 * Call inside a transaction; the audit row is appended here.
 */
export function findOrCreateImportedAnnotator(
  db: Db,
  name: string,
  actor: string,
  at: string,
): { annotator: AnnotatorInfo; created: boolean } {
  const clean = checkProfileName(name);
  const found = findAnnotatorByName(db, clean);
  if (found) return { annotator: found, created: false };
  const annotatorId = insertAnnotator(db, { name: clean, role: 'annotator', passwordHash: null }, at);
  appendAudit(
    db,
    {
      actor,
      action: 'annotator.create',
      detail: { annotatorId, name: clean, role: 'annotator', password: false },
    },
    at,
  );
  return { annotator: getAnnotator(db, annotatorId)!, created: true };
}
