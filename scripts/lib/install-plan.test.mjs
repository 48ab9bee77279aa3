import { describe, expect, it } from 'vitest';
import {
  buildSources,
  electronBinaryPlan,
  envForElectronBuild,
  hostOf,
  nativeBuildPlan,
} from './install-plan.mjs';

const binary = {
  version: '40.10.2',
  installed: false,
  skipEnv: null,
  offline: false,
  cached: false,
  host: 'github.com',
  reachable: true,
};

describe("npm install: Electron's binary", () => {
  it('downloads where the host can be reached, and says so', () => {
    expect(electronBinaryPlan(binary)).toEqual({
      fetch: true,
      line: 'Electron 40.10.2: downloading the binary from github.com',
    });
  });
  it('skips offline with one line naming why and what runs instead', () => {
    const p = electronBinaryPlan({ ...binary, reachable: false });
    expect(p.fetch).toBe(false);
    expect(p.line).toContain('github.com cannot be reached');
    expect(p.line).toContain('web host');
    expect(electronBinaryPlan({ ...binary, offline: true }).line).toContain('--offline');
  });
  it('installs from the download cache even offline', () => {
    expect(electronBinaryPlan({ ...binary, offline: true, reachable: false, cached: true }).fetch).toBe(true);
  });
  it('does nothing when present, asked not to, or when electron is not installed', () => {
    expect(electronBinaryPlan({ ...binary, installed: true })).toEqual({
      fetch: false,
      line: 'Electron 40.10.2: binary present',
    });
    const skipped = electronBinaryPlan({ ...binary, skipEnv: 'ELECTRON_SKIP_BINARY_DOWNLOAD' });
    expect(skipped.fetch).toBe(false);
    expect(skipped.line).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD is set');
    expect(electronBinaryPlan({ ...binary, version: null }).fetch).toBe(false);
  });
});

const native = {
  mode: 'install',
  skipEnv: null,
  electron: { version: '40.10.2', abi: '143' },
  binary: true,
  force: false,
  betterSqlite3: '12.11.1',
  existing: null,
  addonPresent: false,
  targetName: 'electron-v143-linux-x64',
};

describe('npm install: better-sqlite3 for Electron', () => {
  it('builds where a binary is present and no build is there', () => {
    expect(nativeBuildPlan(native).action).toBe('build');
  });
  it('skips at install without a binary (nothing would load it), but builds when asked for packaging', () => {
    const p = nativeBuildPlan({ ...native, binary: false });
    expect(p.action).toBe('skip');
    expect(p.line).toContain('no Electron binary');
    expect(nativeBuildPlan({ ...native, binary: false, mode: 'explicit' }).action).toBe('build');
  });
  it('keeps a build made for the same Electron and better-sqlite3, and rebuilds after either changes', () => {
    const existing = { electron: '40.10.2', betterSqlite3: '12.11.1' };
    expect(nativeBuildPlan({ ...native, existing, addonPresent: true }).action).toBe('up-to-date');
    expect(nativeBuildPlan({ ...native, existing, addonPresent: true, force: true }).action).toBe('build');
    expect(
      nativeBuildPlan({ ...native, existing: { ...existing, betterSqlite3: '12.10.0' }, addonPresent: true })
        .action,
    ).toBe('build');
    expect(nativeBuildPlan({ ...native, existing, addonPresent: false }).action).toBe('build');
  });
  it("skips without the electron package, or when Electron's ABI is unknown", () => {
    expect(nativeBuildPlan({ ...native, electron: null }).action).toBe('skip');
    const p = nativeBuildPlan({ ...native, electron: { version: '40.10.2', abi: null } });
    expect(p.action).toBe('skip');
    expect(p.line).toContain('abi_version');
  });
});

const sources = {
  fromSource: false,
  offline: false,
  crossTarget: false,
  prebuildHost: 'github.com',
  prebuildReachable: true,
  headersHost: 'electronjs.org',
  headersCached: false,
  headersReachable: true,
  electronVersion: '40.10.2',
  targetName: 'electron-v143-linux-x64',
};

describe('where the Electron build comes from', () => {
  it('tries the prebuilt archive first, then compiling', () => {
    expect(buildSources(sources)).toEqual({ sources: ['prebuilt', 'compile'], reason: null });
  });
  it('compiles offline when the headers are cached', () => {
    expect(buildSources({ ...sources, offline: true, headersCached: true }).sources).toEqual(['compile']);
  });
  it('says why when nothing can work (offline, no cached headers)', () => {
    const r = buildSources({ ...sources, prebuildReachable: false, headersReachable: false });
    expect(r.sources).toEqual([]);
    expect(r.reason).toContain('github.com cannot be reached');
    expect(r.reason).toContain("Electron 40.10.2's headers are not cached");
  });
  it('builds for another platform only from a prebuilt archive', () => {
    expect(buildSources({ ...sources, crossTarget: true }).sources).toEqual(['prebuilt']);
    const r = buildSources({ ...sources, crossTarget: true, prebuildReachable: false });
    expect(r.sources).toEqual([]);
    expect(r.reason).toContain('another platform');
  });
  it('honours npm_config_build_from_source', () => {
    expect(buildSources({ ...sources, fromSource: true }).sources).toEqual(['compile']);
  });
});

describe('helpers', () => {
  it("drops npm's own node-gyp settings (nodedir=/usr would build for Node under an Electron name)", () => {
    const env = envForElectronBuild({
      PATH: '/bin',
      npm_config_nodedir: '/usr',
      npm_config_target: '20.0.0',
      HOME: '/h',
    });
    expect(env).toEqual({ PATH: '/bin', HOME: '/h' });
  });
  it('names hosts of URLs', () => {
    expect(hostOf('https://github.com/electron/electron/releases/')).toBe('github.com');
    expect(hostOf('https://mirror.local:8443/electron/')).toBe('mirror.local:8443');
  });
});
