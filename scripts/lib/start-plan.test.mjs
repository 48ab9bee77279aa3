import { describe, expect, it } from 'vitest';
import { electronOutcome, explainElectronDeath, sqliteProbeProblem } from './start-plan.mjs';

const report = (o) =>
  JSON.stringify({ electron: '40.10.2', abi: '143', expected: '/app/native/x.node', ...o });

describe("npm start: better-sqlite3 under Electron's Node", () => {
  it('passes when a database opened', () => {
    expect(
      sqliteProbeProblem({
        status: 0,
        signal: null,
        stdout: report({ ok: true, binding: '/app/native/x.node' }),
        stderr: '',
      }),
    ).toBeNull();
  });
  it('names the missing Electron build and the real error of the default addon', () => {
    const p = sqliteProbeProblem({
      status: 1,
      signal: null,
      stdout: report({
        ok: false,
        binding: null,
        error:
          "The module 'better_sqlite3.node' was compiled against NODE_MODULE_VERSION 115. This version requires 143.",
      }),
      stderr: '',
    });
    expect(p).toContain('Electron 40.10.2 (Node ABI 143)');
    expect(p).toContain('its Electron build is missing (/app/native/x.node)');
    expect(p).toContain('NODE_MODULE_VERSION 115');
    expect(p).toContain('npm run native:electron');
    expect(p).not.toContain('built for Node, not for Electron');
  });
  it('tells a broken Electron build from a missing one', () => {
    const p = sqliteProbeProblem({
      status: 1,
      signal: null,
      stdout: report({ ok: false, binding: '/app/native/x.node', error: 'invalid ELF header' }),
      stderr: '',
    });
    expect(p).toContain('with its Electron build (/app/native/x.node): invalid ELF header');
    expect(p).toContain('--force');
  });
  it("says what happened when Electron's Node itself failed", () => {
    expect(
      sqliteProbeProblem({ status: null, signal: 'SIGTRAP', stdout: '', stderr: 'FATAL: sandbox\n' }),
    ).toBe("Electron's Node was killed by SIGTRAP while checking better-sqlite3: FATAL: sandbox");
    expect(
      sqliteProbeProblem({ status: 9, signal: null, stdout: 'not json', stderr: 'bad option: x' }),
    ).toContain('exited with status 9 while checking better-sqlite3: bad option: x');
    expect(
      sqliteProbeProblem({ status: null, signal: null, stdout: '', stderr: '', error: 'spawn EACCES' }),
    ).toContain('spawn EACCES');
  });
});

describe('npm start: how the desktop app ended', () => {
  it('passes exits and asked-for stops on', () => {
    expect(electronOutcome(0, null)).toEqual({ kind: 'exit', code: 0 });
    expect(electronOutcome(2, null)).toEqual({ kind: 'exit', code: 2 });
    expect(electronOutcome(null, 'SIGINT')).toEqual({ kind: 'exit', code: 130 });
    expect(electronOutcome(null, 'SIGTERM')).toEqual({ kind: 'exit', code: 143 });
  });
  it('treats any other signal as a failure (it used to exit 0)', () => {
    for (const s of ['SIGTRAP', 'SIGABRT', 'SIGSEGV', 'SIGKILL']) {
      expect(electronOutcome(null, s)).toEqual({ kind: 'failed', signal: s });
    }
  });
  it('explains the sandbox deaths it can recognise', () => {
    const linux = { platform: 'linux', uid: 1000, sandbox: null, usernsRestricted: false };
    expect(explainElectronDeath('SIGTRAP', { ...linux, uid: 0 })).toContain('as root');
    const helper = { path: '/app/node_modules/electron/dist/chrome-sandbox', uid: 1000, mode: 0o100755 };
    const sandbox = explainElectronDeath('SIGTRAP', { ...linux, sandbox: helper, usernsRestricted: true });
    expect(sandbox).toContain('sudo chmod 4755 /app/node_modules/electron/dist/chrome-sandbox');
    const setuid = { ...helper, uid: 0, mode: 0o104755 };
    expect(
      explainElectronDeath('SIGTRAP', { ...linux, sandbox: setuid, usernsRestricted: true }),
    ).not.toContain('chmod');
    expect(explainElectronDeath('SIGSEGV', linux)).toBe(
      'Electron was killed by SIGSEGV (Chromium stops itself so on a fatal error; its message is above)',
    );
  });
});
