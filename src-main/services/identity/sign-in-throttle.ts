// Brute-force limit on sign-in, per profile: after FREE_FAILURES wrong passwords in a row, each further
// attempt must wait a delay that doubles with every failure (1 s, 2 s, 4 s, … up to MAX_DELAY_MS) after the
// last one; an attempt inside the delay is refused before any password check, so it costs the guesser time
// and the host nothing. One check per profile runs at a time (parallel guesses queue up behind nothing:
// they are refused). A correct password clears the count. The counts live in the host process (a restart
// clears them, which only the workstation's own user can do); every failure is also in the audit log.
import { ForbiddenError } from '../../core/errors';
import type { Db } from '../../db/open';

export const FREE_FAILURES = 5;
export const MAX_DELAY_MS = 5 * 60_000;

interface State {
  failures: number;
  /** Time (ms) of the last failure. */
  lastFailure: number;
  checking: boolean;
}

const states = new WeakMap<Db, Map<number, State>>();

function stateOf(db: Db, annotatorId: number): State {
  let perDb = states.get(db);
  if (!perDb) states.set(db, (perDb = new Map()));
  let s = perDb.get(annotatorId);
  if (!s) perDb.set(annotatorId, (s = { failures: 0, lastFailure: 0, checking: false }));
  return s;
}

/** The wait (ms) required after `failures` consecutive failures. */
export function delayAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(1000 * 2 ** (failures - FREE_FAILURES), MAX_DELAY_MS);
}

/**
 * Runs `check` (the password check) for one attempt, unless the profile must wait or is being checked;
 * records the outcome. Returns check's answer; throws ForbiddenError (naming the wait) when refused.
 */
export async function throttledCheck(
  db: Db,
  profile: { id: number; name: string },
  check: () => Promise<boolean>,
  now: () => number = Date.now,
): Promise<{ ok: boolean; failures: number }> {
  const s = stateOf(db, profile.id);
  const wait = s.lastFailure + delayAfter(s.failures) - now();
  if (wait > 0) {
    throw new ForbiddenError(
      `too many wrong passwords for ${profile.name}: try again in ${Math.ceil(wait / 1000)} s`,
    );
  }
  if (s.checking) {
    throw new ForbiddenError(`a sign-in as ${profile.name} is being checked: try again in a moment`);
  }
  s.checking = true;
  try {
    const ok = await check();
    if (ok) s.failures = 0;
    else {
      s.failures++;
      s.lastFailure = now();
    }
    return { ok, failures: s.failures };
  } finally {
    s.checking = false;
  }
}
