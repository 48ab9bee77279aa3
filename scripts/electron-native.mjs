#!/usr/bin/env node
// better-sqlite3 for Electron, beside the Node build: `npm install` leaves node_modules/better-sqlite3 built
// for Node (the CLI and the web host run on Node); Electron runs another Node (its ABI is in
// node_modules/electron/abi_version) and needs its own build, which this puts in
// native/better-sqlite3/electron-v<abi>-<platform>-<arch>/ (scripts/lib/native-layout.mjs), where the Electron
// host finds it (src-main/host/electron/sqlite-binding.ts).
//
// A copy of the package is staged under node_modules/.cache/concord-native/ and built there, never in place:
//  1. prebuilt: prebuild-install downloads better-sqlite3's release archive for this Electron ABI;
//  2. compile: node-gyp against Electron's headers (cached in ~/.electron-gyp, or downloaded).
// The result's ABI is checked before it is installed.
//
//   npm run native:electron                  build for the installed Electron, this platform (if not up to date)
//   npm run native:electron -- --force       build again
//   npm run native:electron -- --platform win32 --arch x64   a prebuilt build for packaging another platform
//
// Run by scripts/postinstall.mjs at `npm install` (mode 'install': only where an Electron binary is present,
// and never failing the install) and by `npm run dist` (which fails without it).
// Mirrors: npm_config_better_sqlite3_binary_host (prebuilt archives), CONCORD_ELECTRON_HEADERS_URL (headers).
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readElectronPackage } from './lib/electron-package.mjs';
import { buildSources, envForElectronBuild, hostOf, nativeBuildPlan } from './lib/install-plan.mjs';
import {
  ADDON_FILE,
  BUILD_INFO_FILE,
  addonAbi,
  electronSqliteDir,
  electronTargetName,
} from './lib/native-layout.mjs';
import { hostReachable } from './lib/network.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_PREBUILD_HOST = 'https://github.com';
const DEFAULT_HEADERS_URL = 'https://electronjs.org/headers';

/**
 * @typedef {{ status: number | null, output: string }} RunResult
 * @typedef {(cmd: string, args: string[], opts: { cwd: string, env: NodeJS.ProcessEnv }) => RunResult} Runner
 */

/** @type {(verbose: boolean) => Runner} */
const runner = (verbose) => (cmd, args, opts) => {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env,
    encoding: 'utf8',
    stdio: verbose ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    timeout: 30 * 60_000,
  });
  if (r.error) return { status: null, output: r.error.message };
  return { status: r.status, output: `${r.stdout ?? ''}\n${r.stderr ?? ''}` };
};

/** The last line that says something (a tool's failure is at its end). */
export function lastLine(output) {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const err = lines.filter((l) => /err|fail|cannot|not found|denied|enotfound|timed out/i.test(l));
  return (err.at(-1) ?? lines.at(-1) ?? 'no output').slice(0, 300);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** npm's own node-gyp (npm exports its path to scripts), else the one next to this Node, else a local one. */
export function nodeGypScript(env = process.env, root = ROOT) {
  const candidates = [
    env['npm_config_node_gyp'],
    path.join(
      path.dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
    path.join(
      path.dirname(process.execPath),
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  for (const c of candidates) if (c && existsSync(c)) return c;
  try {
    return createRequire(path.join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return null;
  }
}

/**
 * Builds better-sqlite3 for the installed Electron when needed and possible.
 * @param {{ root?: string, mode?: 'install' | 'explicit', force?: boolean, platform?: string, arch?: string,
 *           env?: NodeJS.ProcessEnv, run?: Runner, reachable?: (host: string) => Promise<boolean>,
 *           verbose?: boolean }} [opts]
 * @returns {Promise<{ ok: boolean, built: boolean, line: string, file?: string }>}
 *   ok: a usable build is in place (built now or up to date).
 */
export async function ensureElectronSqlite(opts = {}) {
  const root = opts.root ?? ROOT;
  const mode = opts.mode ?? 'explicit';
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const arch = opts.arch ?? process.arch;
  const run = opts.run ?? runner(Boolean(opts.verbose));
  const reachable = opts.reachable ?? ((host) => hostReachable(host, env));

  const electron = readElectronPackage(root, env);
  const bsDir = path.join(root, 'node_modules', 'better-sqlite3');
  const bsVersion = readJson(path.join(bsDir, 'package.json'))?.version ?? null;
  if (!bsVersion) return { ok: false, built: false, line: 'better-sqlite3 is not installed' };
  const target = { abi: electron.abi ?? '?', platform, arch };
  const targetName = electronTargetName(target);
  const outDir = electronSqliteDir(root, target);
  const addon = path.join(outDir, ADDON_FILE);
  const skipEnv = ['CONCORD_SKIP_ELECTRON_NATIVE'].find((k) => env[k]) ?? null;

  const plan = nativeBuildPlan({
    mode,
    skipEnv,
    electron: electron.version ? { version: electron.version, abi: electron.abi } : null,
    binary: electron.exe !== null,
    force: Boolean(opts.force),
    betterSqlite3: bsVersion,
    existing: readJson(path.join(outDir, BUILD_INFO_FILE)),
    addonPresent: existsSync(addon),
    targetName,
  });
  if (plan.action !== 'build') {
    return { ok: plan.action === 'up-to-date', built: false, line: plan.line, file: addon };
  }
  const version = /** @type {string} */ (electron.version);

  const prebuildHost = env['npm_config_better_sqlite3_binary_host'] ?? DEFAULT_PREBUILD_HOST;
  const headersUrl = env['CONCORD_ELECTRON_HEADERS_URL'] ?? DEFAULT_HEADERS_URL;
  const devdir = env['CONCORD_ELECTRON_GYP_DIR'] ?? path.join(os.homedir(), '.electron-gyp');
  const headersCached = existsSync(path.join(devdir, version, 'include', 'node', 'node.h'));
  const offline = env['npm_config_offline'] === 'true';
  const fromSource = env['npm_config_build_from_source'] === 'true';
  const crossTarget = platform !== process.platform || arch !== process.arch;
  const prebuildReachable = !fromSource && !offline && (await reachable(hostOf(prebuildHost)));
  const headersReachable =
    !crossTarget && !headersCached && !offline && (await reachable(hostOf(headersUrl)));
  const { sources, reason } = buildSources({
    fromSource,
    offline,
    crossTarget,
    prebuildHost: hostOf(prebuildHost),
    prebuildReachable,
    headersHost: hostOf(headersUrl),
    headersCached,
    headersReachable,
    electronVersion: version,
    targetName,
  });
  const subject = 'better-sqlite3 for Electron';
  if (sources.length === 0) return { ok: false, built: false, line: `${subject}: not built (${reason})` };

  // Stage a copy of the package (without its Node build) and build there. The copy follows links (a linked
  // package copied as a link would be built in place, over the Node build the CLI needs), and the build
  // runs only in a real folder inside the stage.
  const stageRoot = path.join(root, 'node_modules', '.cache', 'concord-native', targetName);
  const stage = path.join(stageRoot, 'node_modules', 'better-sqlite3');
  rmSync(stageRoot, { recursive: true, force: true });
  const packageDir = realpathSync(bsDir);
  const buildDir = path.join(packageDir, 'build');
  cpSync(packageDir, stage, {
    recursive: true,
    dereference: true,
    filter: (src) => src !== buildDir && !src.startsWith(buildDir + path.sep),
  });
  if (
    lstatSync(stage).isSymbolicLink() ||
    !realpathSync(stage).startsWith(realpathSync(stageRoot) + path.sep)
  ) {
    rmSync(stageRoot, { recursive: true, force: true });
    return {
      ok: false,
      built: false,
      line: 'better-sqlite3 for Electron: not built (the staged copy is not a real folder)',
    };
  }
  const childEnv = envForElectronBuild(env);
  const errors = [];
  try {
    for (const source of sources) {
      rmSync(path.join(stage, 'build'), { recursive: true, force: true });
      let r;
      if (source === 'prebuilt') {
        let bin;
        try {
          bin = createRequire(path.join(bsDir, 'package.json')).resolve('prebuild-install/bin.js');
        } catch {
          errors.push('prebuilt: prebuild-install is not installed');
          continue;
        }
        r = run(
          process.execPath,
          [
            bin,
            '--runtime',
            'electron',
            '--target',
            version,
            '--platform',
            platform,
            '--arch',
            arch,
            '--verbose',
          ],
          { cwd: stage, env: childEnv },
        );
      } else {
        const gyp = nodeGypScript(env, root);
        if (!gyp) {
          errors.push('compile: node-gyp was not found (it comes with npm)');
          continue;
        }
        r = run(
          process.execPath,
          [
            gyp,
            'rebuild',
            '--release',
            `--target=${version}`,
            `--arch=${arch}`,
            `--dist-url=${headersUrl}`,
            `--devdir=${devdir}`,
          ],
          { cwd: stage, env: childEnv },
        );
      }
      if (r.status !== 0) {
        errors.push(`${source}: ${lastLine(r.output)}`);
        continue;
      }
      const produced = path.join(stage, 'build', 'Release', ADDON_FILE);
      if (!existsSync(produced)) {
        errors.push(`${source}: no ${ADDON_FILE} was produced`);
        continue;
      }
      const abi = addonAbi(readFileSync(produced));
      if (abi !== null && String(abi) !== String(electron.abi)) {
        errors.push(`${source}: the result is built for Node ABI ${abi}, not Electron's ${electron.abi}`);
        continue;
      }
      mkdirSync(outDir, { recursive: true });
      cpSync(produced, `${addon}.partial`);
      renameSync(`${addon}.partial`, addon);
      const info = {
        electron: version,
        abi: String(electron.abi),
        platform,
        arch,
        betterSqlite3: bsVersion,
        source,
        builtAt: new Date().toISOString(),
      };
      writeFileSync(path.join(outDir, BUILD_INFO_FILE), JSON.stringify(info, null, 2) + '\n');
      const how = source === 'prebuilt' ? 'prebuilt archive' : "compiled against Electron's headers";
      return { ok: true, built: true, line: `${subject}: ${targetName} built (${how})`, file: addon };
    }
  } finally {
    rmSync(stageRoot, { recursive: true, force: true });
  }
  return { ok: false, built: false, line: `${subject}: not built (${errors.join('; ')})` };
}

function parseArgs(argv) {
  const opts = { mode: 'explicit', force: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--force') opts.force = true;
    else if (a === '--verbose') opts.verbose = true;
    else if (a === '--install') opts.mode = 'install';
    else if (a === '--platform' || a === '--arch') opts[a.slice(2)] = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = parseArgs(process.argv.slice(2));
  const r = await ensureElectronSqlite({ ...opts, verbose: opts.verbose || opts.mode === 'explicit' });
  process.stderr.write(`[concord] ${r.line}\n`);
  process.exit(r.ok || opts.mode === 'install' ? 0 : 1);
}
