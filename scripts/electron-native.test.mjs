// The Electron build of better-sqlite3, made with stand-in tools (no Electron, network or compiler here): it
// is built in a staged copy, never in the installed package (whose Node build the CLI needs), its ABI is
// checked, and it lands in native/ with what built it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureElectronSqlite } from './electron-native.mjs';

const dirs = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function write(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** A project with electron 40.10.2 (ABI 143, binary present) and better-sqlite3 linked in from elsewhere. */
function project({ binary = true } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-native-'));
  dirs.push(tmp);
  const root = path.join(tmp, 'app');
  const nm = path.join(root, 'node_modules');
  write(path.join(nm, 'electron', 'package.json'), JSON.stringify({ name: 'electron', version: '40.10.2' }));
  write(path.join(nm, 'electron', 'abi_version'), '143');
  if (binary) {
    write(path.join(nm, 'electron', 'path.txt'), 'electron');
    write(path.join(nm, 'electron', 'dist', 'electron'), '#!/bin/sh\n');
  }
  write(
    path.join(nm, 'prebuild-install', 'package.json'),
    JSON.stringify({ name: 'prebuild-install', main: 'bin.js' }),
  );
  write(path.join(nm, 'prebuild-install', 'bin.js'), '');
  // The installed package lives elsewhere and is linked in (pnpm, npm link, a shared node_modules).
  const pkg = path.join(tmp, 'store', 'better-sqlite3');
  write(path.join(pkg, 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }));
  write(path.join(pkg, 'binding.gyp'), '{}');
  write(path.join(pkg, 'src', 'better_sqlite3.cpp'), '');
  write(path.join(pkg, 'build', 'Release', 'better_sqlite3.node'), 'node_register_module_v115');
  fs.symlinkSync(pkg, path.join(nm, 'better-sqlite3'), 'dir');
  const gyp = path.join(tmp, 'node-gyp.js');
  write(gyp, '');
  const env = {
    PATH: process.env.PATH,
    npm_config_nodedir: '/usr',
    npm_config_node_gyp: gyp,
    CONCORD_ELECTRON_GYP_DIR: path.join(tmp, 'electron-gyp'),
  };
  return { root, pkg, env };
}

/** A stand-in for prebuild-install / node-gyp: records the call and leaves `abi`'s addon in build/Release. */
function tools({ abi = 143, fail = [] } = {}) {
  const calls = [];
  const run = (cmd, args, opts) => {
    const tool = args[0].includes('prebuild-install') ? 'prebuilt' : 'compile';
    calls.push({ tool, args, cwd: opts.cwd, env: opts.env, real: fs.realpathSync(opts.cwd) });
    if (fail.includes(tool)) return { status: 1, output: `${tool} ERR! something went wrong` };
    write(path.join(opts.cwd, 'build', 'Release', 'better_sqlite3.node'), `node_register_module_v${abi}`);
    return { status: 0, output: 'ok' };
  };
  return { calls, run };
}

const target = `electron-v143-${process.platform}-${process.arch}`;

describe('npm run native:electron', () => {
  it('builds in a staged copy, keeps the Node build, and installs the result in native/', async () => {
    const { root, pkg, env } = project();
    const t = tools();
    const r = await ensureElectronSqlite({ root, env, run: t.run, reachable: async () => true });
    expect(r.ok).toBe(true);
    expect(r.line).toContain(`${target} built (prebuilt archive)`);
    const addon = path.join(root, 'native', 'better-sqlite3', target, 'better_sqlite3.node');
    expect(r.file).toBe(addon);
    expect(fs.readFileSync(addon, 'utf8')).toBe('node_register_module_v143');
    const info = JSON.parse(fs.readFileSync(path.join(path.dirname(addon), 'build.json'), 'utf8'));
    expect(info).toMatchObject({
      electron: '40.10.2',
      abi: '143',
      betterSqlite3: '12.11.1',
      source: 'prebuilt',
    });

    expect(t.calls).toHaveLength(1);
    const [call] = t.calls;
    expect(call.args).toEqual(expect.arrayContaining(['--runtime', 'electron', '--target', '40.10.2']));
    expect(call.real.startsWith(fs.realpathSync(pkg))).toBe(false);
    expect(call.env.npm_config_nodedir).toBeUndefined();
    // The installed package is untouched: still its Node build, nothing added.
    expect(fs.readFileSync(path.join(pkg, 'build', 'Release', 'better_sqlite3.node'), 'utf8')).toBe(
      'node_register_module_v115',
    );
    expect(fs.readdirSync(path.join(pkg, 'build', 'Release'))).toEqual(['better_sqlite3.node']);
    // The stage is gone.
    expect(fs.existsSync(path.join(root, 'node_modules', '.cache', 'concord-native', target))).toBe(false);

    // Up to date: nothing runs again.
    const again = await ensureElectronSqlite({ root, env, run: t.run, reachable: async () => true });
    expect(again.ok).toBe(true);
    expect(again.line).toContain('up to date');
    expect(t.calls).toHaveLength(1);
  });

  it("compiles against Electron's headers when no prebuilt archive comes", async () => {
    const { root, env } = project();
    const t = tools({ fail: ['prebuilt'] });
    const r = await ensureElectronSqlite({ root, env, run: t.run, reachable: async () => true });
    expect(r.ok).toBe(true);
    expect(r.line).toContain("compiled against Electron's headers");
    expect(t.calls.map((c) => c.tool)).toEqual(['prebuilt', 'compile']);
    const gyp = t.calls[1];
    expect(gyp.args).toEqual(
      expect.arrayContaining(['rebuild', '--target=40.10.2', '--dist-url=https://electronjs.org/headers']),
    );
    expect(gyp.env.npm_config_nodedir).toBeUndefined();
  });

  it('refuses a result built for another ABI and installs nothing', async () => {
    const { root, env } = project();
    const t = tools({ abi: 115 });
    const r = await ensureElectronSqlite({ root, env, run: t.run, reachable: async () => true });
    expect(r.ok).toBe(false);
    expect(r.line).toContain("built for Node ABI 115, not Electron's 143");
    expect(fs.existsSync(path.join(root, 'native', 'better-sqlite3', target, 'better_sqlite3.node'))).toBe(
      false,
    );
  });

  it('offline, without cached headers: one line, no tool run', async () => {
    const { root, env } = project();
    const t = tools();
    const r = await ensureElectronSqlite({ root, env, run: t.run, reachable: async () => false });
    expect(r.ok).toBe(false);
    expect(r.line).toMatch(/^better-sqlite3 for Electron: not built \(.*cannot be reached/);
    expect(t.calls).toHaveLength(0);
  });

  it('at npm install, does nothing where no Electron binary is present', async () => {
    const { root, env } = project({ binary: false });
    const t = tools();
    let asked = false;
    const r = await ensureElectronSqlite({
      root,
      env,
      mode: 'install',
      run: t.run,
      reachable: async () => {
        asked = true;
        return true;
      },
    });
    expect(r.ok).toBe(false);
    expect(r.line).toContain('no Electron binary');
    expect(t.calls).toHaveLength(0);
    expect(asked).toBe(false);
  });
});
