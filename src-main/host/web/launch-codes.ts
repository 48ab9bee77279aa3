// One-time launch codes: how the web host hands its per-launch token to a browser it starts without
// putting the token on the browser's command line, which every local user can read in `ps`. The browser
// is started on /?code=<code>; the page trades the code for the token once (POST /api/session), and the
// code is then worthless: used, or expired after CODE_LIFETIME_MS. Another user who reads the command line
// finds a code that has already been spent.
import { randomBytes } from 'node:crypto';

export const CODE_LIFETIME_MS = 120_000;

export class LaunchCodes {
  private readonly codes = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new code, valid once within CODE_LIFETIME_MS. */
  issue(): string {
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, this.now() + CODE_LIFETIME_MS);
    return code;
  }

  /** True once for a code issued here and not expired; the code is spent either way. */
  redeem(code: unknown): boolean {
    if (typeof code !== 'string') return false;
    const expires = this.codes.get(code);
    this.codes.delete(code);
    for (const [c, t] of this.codes) if (t < this.now()) this.codes.delete(c);
    return expires !== undefined && expires >= this.now();
  }
}
