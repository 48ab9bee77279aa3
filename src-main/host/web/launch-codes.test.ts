// One-time launch codes: each redeems once, within its lifetime; nothing else redeems.
import { describe, expect, it } from 'vitest';
import { CODE_LIFETIME_MS, LaunchCodes } from './launch-codes';

describe('LaunchCodes', () => {
  it('redeems a code once, before it expires', () => {
    let t = 0;
    const codes = new LaunchCodes(() => t);
    const a = codes.issue();
    const b = codes.issue();
    expect(a).not.toBe(b);
    expect(codes.redeem(a)).toBe(true);
    expect(codes.redeem(a)).toBe(false);
    t += CODE_LIFETIME_MS + 1;
    expect(codes.redeem(b)).toBe(false);
    expect(codes.redeem('anything')).toBe(false);
    expect(codes.redeem(undefined)).toBe(false);
  });
});
