// Profile passwords: scrypt (node:crypto) with a random 16-byte salt. The stored text carries its own
// parameters, so they can be raised later without breaking existing profiles:
//   scrypt$<N>$<r>$<p>$<salt, base64>$<32-byte key, base64>
// N=2^17, r=8, p=1 takes ~0.3-0.5 s and 128 MiB per check on a workstation: slow for a guesser, quick for
// a person. A profile whose stored hash has a smaller N is re-hashed at its next sign-in (needsRehash).
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { InputError } from '../../core/errors';

const N = 2 ** 17;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
/** Parameters read back from the database are bounded, so a tampered row cannot exhaust memory. */
const MAX_N = 2 ** 20;

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt needs 128*N*r*p bytes; allow twice that.
    scrypt(password, salt, KEY_BYTES, { N: n, r, p, maxmem: 256 * n * r * p }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Throws InputError (one line) when a new password is too short or too long. */
export function checkNewPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new InputError(undefined, `a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new InputError(undefined, `a password may have at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}

/** A new hash of `password`; `n` (a power of two) only for tests of older, weaker hashes. */
export async function hashPassword(password: string, n = N): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, n, R, P);
  return ['scrypt', n, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when `password` matches `stored`; compares in constant time. False for a malformed `stored`. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const ok = (x: number, max: number) => Number.isSafeInteger(x) && x >= 1 && x <= max;
  if (!ok(n, MAX_N) || (n & (n - 1)) !== 0 || !ok(r, 32) || !ok(p, 16)) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (salt.length < 8 || expected.length !== KEY_BYTES) return false;
  const key = await derive(password, salt, n, r, p);
  return timingSafeEqual(key, expected);
}

/** True when `stored` was made with a smaller work factor than new hashes get (or is not one of ours). */
export function needsRehash(stored: string): boolean {
  const parts = stored.split('$');
  return parts[0] !== 'scrypt' || Number(parts[1]) < N || Number(parts[2]) < R;
}
