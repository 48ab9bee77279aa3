// What the installed electron package offers: its version, the Node ABI its binary runs (abi_version, which
// the package ships), and the binary when it was downloaded. Read from files only; never runs Electron.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * @param {string} root the project folder (holding node_modules)
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ dir: string | null, version: string | null, abi: string | null, exe: string | null,
 *             reason: string | null }}
 *   reason: why there is no usable binary (null when exe is set).
 */
export function readElectronPackage(root, env = process.env) {
  const dir = path.join(root, 'node_modules', 'electron');
  let version = null;
  try {
    version = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version ?? null;
  } catch {
    return {
      dir: null,
      version: null,
      abi: null,
      exe: null,
      reason: 'the electron package is not installed',
    };
  }
  let abi = null;
  try {
    abi = readFileSync(path.join(dir, 'abi_version'), 'utf8').trim() || null;
  } catch {
    abi = null;
  }
  // Electron's own lookup (node_modules/electron/index.js): dist/<path.txt>, or ELECTRON_OVERRIDE_DIST_PATH.
  const pathFile = path.join(dir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (override) {
    const exe = path.join(override, rel ?? defaultExecutable());
    return existsSync(exe)
      ? { dir, version, abi, exe, reason: null }
      : { dir, version, abi, exe: null, reason: `ELECTRON_OVERRIDE_DIST_PATH has no ${path.basename(exe)}` };
  }
  if (!rel) {
    return {
      dir,
      version,
      abi,
      exe: null,
      reason:
        'the Electron binary is not installed (its download needs the internet, which this machine lacks)',
    };
  }
  const exe = path.join(dir, 'dist', rel);
  return existsSync(exe)
    ? { dir, version, abi, exe, reason: null }
    : {
        dir,
        version,
        abi,
        exe: null,
        reason: 'the Electron binary is missing from node_modules/electron/dist',
      };
}

function defaultExecutable() {
  if (process.platform === 'win32') return 'electron.exe';
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  return 'electron';
}

/** Electron's download cache (@electron/get: electron_config_cache, else the per-user cache folder). */
export function electronCacheRoot(env = process.env) {
  if (env['electron_config_cache']) return env['electron_config_cache'];
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'electron');
  if (process.platform === 'win32') {
    return path.join(env['LOCALAPPDATA'] ?? path.join(home, 'AppData', 'Local'), 'electron', 'Cache');
  }
  return path.join(env['XDG_CACHE_HOME'] ?? path.join(home, '.cache'), 'electron');
}

/** Whether the release archive for this version is in the cache (one folder per download URL inside it). */
export function electronArchiveCached(version, env = process.env) {
  const platform = env['npm_config_platform'] ?? process.platform;
  const arch = env['npm_config_arch'] ?? process.arch;
  const name = `electron-v${version}-${platform}-${arch}.zip`;
  const root = electronCacheRoot(env);
  try {
    return readdirSync(root).some((d) => existsSync(path.join(root, d, name)));
  } catch {
    return false;
  }
}
