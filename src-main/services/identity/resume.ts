// Keeping a browser tab signed in across a reload of the page and a restart of the web host. A tab that
// signed in asks for a resume token (session:keep): 32 random bytes, which the tab keeps in its own
// sessionStorage (this tab only, this origin only, gone when the tab closes; never a cookie, so no other
// site's request carries it). The workspace stores only its SHA-256, with the profile, a fingerprint of the
// profile's password hash at the time (a password reset ends every kept session) and when it was last used;
// a token unused for RESUME_IDLE_MS lapses. A new connection of the tab presents it (session:resume) and is
// signed in as that profile again; signing out forgets it. SECURITY.md has the threat model.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SessionInfo } from '../../core/model';
import { InputError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import { getAnnotatorRow } from '../../db/repositories/annotators';
import { getSetting, setSetting } from '../../db/repositories/settings';
import type { CallContext } from '../context';
import { requireProfile } from './access';
import { sessionInfo } from './sessions';

const KEY = 'identity.resumeSessions';
/** A kept session lapses after this long unused (a working day and a night). */
export const RESUME_IDLE_MS = 16 * 60 * 60_000;
/** At most this many kept sessions; the least recently used go first. */
const MAX_KEPT = 256;

interface Kept {
  /** sha256 of the token, hex. */
  hash: string;
  annotatorId: number;
  /** sha256 of the profile's password hash when the token was issued, hex. */
  password: string;
  /** ms since the epoch. */
  lastUsed: number;
}

/** The token each connection holds, so that its sign-out forgets it. */
const held = new WeakMap<CallContext, string>();

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function live(db: Db, now: number): Kept[] {
  return (getSetting<Kept[]>(db, KEY) ?? []).filter((k) => now - k.lastUsed < RESUME_IDLE_MS);
}

function save(db: Db, kept: Kept[]): void {
  kept.sort((a, b) => b.lastUsed - a.lastUsed);
  setSetting(db, KEY, kept.slice(0, MAX_KEPT));
}

/** A resume token for the signed-in profile of this connection. */
export function keepSession(db: Db, ctx: CallContext, now = Date.now()): { token: string } {
  const me = requireProfile(db, ctx, 'keeping a session');
  const row = getAnnotatorRow(db, me.id)!;
  const token = randomBytes(32).toString('base64url');
  db.transaction(() => {
    const kept = live(db, now).filter((k) => k.hash !== held.get(ctx));
    kept.push({
      hash: sha256(token),
      annotatorId: row.id,
      password: sha256(row.passwordHash ?? ''),
      lastUsed: now,
    });
    save(db, kept);
  })();
  held.set(ctx, sha256(token));
  return { token };
}

/** Signs this connection in again with a kept session's token; a token that is not (or no longer) valid is
 *  refused and the connection stays signed out. */
export function resumeSession(db: Db, ctx: CallContext, token: string, now = Date.now()): SessionInfo {
  const hash = Buffer.from(sha256(token), 'hex');
  const result = db.transaction(() => {
    const kept = live(db, now);
    const hit = kept.find((k) => timingSafeEqual(Buffer.from(k.hash, 'hex'), hash));
    const row = hit && getAnnotatorRow(db, hit.annotatorId);
    if (!hit || !row || row.passwordHash === null || sha256(row.passwordHash) !== hit.password) {
      save(db, hit ? kept.filter((k) => k !== hit) : kept);
      return null;
    }
    hit.lastUsed = now;
    save(db, kept);
    appendAudit(db, { actor: row.name, action: 'session.resume', detail: { annotatorId: row.id } });
    return row;
  })();
  if (!result) throw new InputError(undefined, 'this tab’s session has ended: sign in again');
  ctx.session.annotator = { id: result.id, name: result.name, role: result.role };
  held.set(ctx, hash.toString('hex'));
  return sessionInfo(db, ctx);
}

/** Forgets the kept session of this connection (at sign-out). */
export function forgetSession(db: Db, ctx: CallContext): void {
  const hash = held.get(ctx);
  if (!hash) return;
  held.delete(ctx);
  db.transaction(() =>
    save(
      db,
      live(db, Date.now()).filter((k) => k.hash !== hash),
    ),
  )();
}
