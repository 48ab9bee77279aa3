// The web host's memory of its last start: the port and the token, in a 0600 file; the token is reused
// while young and renewed after TOKEN_REUSE_MS; a damaged file counts as a first start.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/tmp';
import { LAST_HOST_FILE, readLastHost, TOKEN_REUSE_MS, tokenForStart, writeLastHost } from './last-host';

describe('the last web host start', () => {
  it('keeps the port and the token, private to the user', () => {
    const dir = tempDir();
    expect(readLastHost(dir)).toBeNull();
    const first = tokenForStart(null, 1000);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    writeLastHost(dir, { port: 43123, ...first });
    expect(fs.statSync(path.join(dir, LAST_HOST_FILE)).mode & 0o777).toBe(0o600);
    const last = readLastHost(dir)!;
    expect(last.port).toBe(43123);
    expect(tokenForStart(last, 1000 + TOKEN_REUSE_MS - 1).token).toBe(first.token);
    const renewed = tokenForStart(last, 1000 + TOKEN_REUSE_MS);
    expect(renewed.token).not.toBe(first.token);
    fs.writeFileSync(path.join(dir, LAST_HOST_FILE), '{"port": "x"');
    expect(readLastHost(dir)).toBeNull();
  });
});
