// What the web host remembers of its last start on a workspace (<workspace>/web-host.json, mode 0600 in the
// workspace's 0700 folder): the port, so that `npm start` comes back on the address the user's tabs know,
// and the access token, so that those tabs reconnect to the restarted host without a new link. The token
// is renewed when the file is older than TOKEN_REUSE_MS (or removed); SECURITY.md says why this is as safe
// as a per-launch token: whoever can read this file can read the whole workspace anyway.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const LAST_HOST_FILE = 'web-host.json';
/** A remembered token older than this is replaced by a new one (a restart the next day needs the link). */
export const TOKEN_REUSE_MS = 12 * 60 * 60_000;

export interface LastHost {
  port: number;
  token: string;
  /** When the token was made, ms since the epoch. */
  tokenAt: number;
}

export function readLastHost(wsDir: string): LastHost | null {
  try {
    const v = JSON.parse(fs.readFileSync(path.join(wsDir, LAST_HOST_FILE), 'utf8')) as Partial<LastHost>;
    if (
      Number.isInteger(v.port) &&
      v.port! > 0 &&
      v.port! < 65536 &&
      typeof v.token === 'string' &&
      /^[A-Za-z0-9_-]{43}$/.test(v.token) &&
      typeof v.tokenAt === 'number'
    )
      return v as LastHost;
  } catch {
    // absent or damaged: a first start
  }
  return null;
}

/** The token for this start: the remembered one while it is young enough, else 32 new random bytes. */
export function tokenForStart(last: LastHost | null, now = Date.now()): { token: string; tokenAt: number } {
  if (last && now - last.tokenAt >= 0 && now - last.tokenAt < TOKEN_REUSE_MS)
    return { token: last.token, tokenAt: last.tokenAt };
  return { token: randomBytes(32).toString('base64url'), tokenAt: now };
}

export function writeLastHost(wsDir: string, host: LastHost): void {
  const file = path.join(wsDir, LAST_HOST_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(host), { mode: 0o600 });
  fs.renameSync(tmp, file);
}
