// The installer configuration (electron-builder.yml), checked without electron-builder (it is large, and it
// downloads Electron to run): loaded as electron-builder loads it, and held to what the app needs.
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { electronSqliteAddon } from './lib/native-layout.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const config = yaml.load(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8'));
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** electron-builder's file patterns (minimatch) for the cases used here: `**`, `*`, `{a,b}`. */
function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      re += `(?:${glob
        .slice(i + 1, end)
        .split(',')
        .map(escape)
        .join('|')})`;
      i = end;
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}
const escape = (s) => s.replace(/[.+?^$()|[\]\\]/g, '\\$&');

/** Whether a file (relative to the app) is packed, by electron-builder's rule: the last matching pattern wins. */
function packed(patterns, file) {
  let inside = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    if (globToRegExp(negated ? p.slice(1) : p).test(file)) inside = !negated;
  }
  return inside;
}

describe('electron-builder.yml', () => {
  it('makes the offline installers: AppImage and deb, NSIS, dmg', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.productName).toBe('Concord');
  });

  it('packs the built app and the Electron build of better-sqlite3, unpacked from the ASAR', () => {
    expect(config.asar).toBe(true);
    for (const platform of ['linux', 'win32', 'darwin']) {
      const addon = path.posix.relative(
        '/',
        electronSqliteAddon('/', { abi: '143', platform, arch: 'x64' }).replaceAll('\\', '/'),
      );
      expect(packed(config.files, addon), addon).toBe(true);
      expect(packed(config.asarUnpack, addon), addon).toBe(true);
    }
    for (const f of [
      'package.json',
      'out/main/index.js',
      'out/main/trainer.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
    ]) {
      expect(packed(config.files, f), f).toBe(true);
    }
    // Not the Node build nor better-sqlite3's sources.
    for (const f of [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c',
    ]) {
      expect(packed(config.files, f), f).toBe(false);
    }
    expect(packed(config.asarUnpack, 'node_modules/webgpu/dist/linux-x64.dawn.node')).toBe(true);
  });

  it('never rebuilds node_modules in place (the CLI keeps its Node build)', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.nodeGypRebuild).toBe(false);
  });

  it('ships the sample project and the starter model where the app looks for them', () => {
    expect(config.extraResources).toContainEqual({
      from: 'resources/sample-project',
      to: 'resources/sample-project',
    });
    expect(fs.existsSync(path.join(ROOT, 'resources/sample-project/datalist.json'))).toBe(true);
    // The starter model travels the same way (host/starter-model.ts): nothing is downloaded at run time.
    expect(config.extraResources).toContainEqual({
      from: 'resources/starter-model',
      to: 'resources/starter-model',
    });
    expect(
      fs.existsSync(path.join(ROOT, 'resources/starter-model/lidc-nodules.concord-model/weights.bin')),
    ).toBe(true);
  });

  it("sets Electron's fuses", () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('has no auto-update', () => {
    expect(config.publish).toBeNull();
    const deps = { ...pkg.dependencies, ...pkg.devDependencies };
    expect(Object.keys(deps)).not.toContain('electron-updater');
    expect(pkg.scripts.dist).toContain('--publish never');
  });

  it('`npm run dist` builds the app and the Electron build of better-sqlite3 before packaging', () => {
    const steps = pkg.scripts.dist.split('&&').map((s) => s.trim());
    expect(steps[0]).toBe('npm run build');
    expect(steps[1]).toBe('node scripts/electron-native.mjs');
    expect(steps[2]).toMatch(/^npx --yes electron-builder@26\.\d+\.\d+ --publish never$/);
  });
});
