#!/usr/bin/env node
// `npm install`'s own step for the desktop app (a project's own scripts run even where npm 12 blocks its
// dependencies' install scripts). Two things, each reported in one line, neither able to fail the install:
//  1. Electron's binary. package.json's allowScripts keeps npm from running the electron package's install
//     step, which exits non-zero when it cannot download and would fail `npm install` on an offline machine.
//     This runs that same step where it can work (the archive is in Electron's download cache, or the
//     download host can be reached) and otherwise says why; `npm start` then runs the web host.
//  2. better-sqlite3 for Electron, beside the Node build (scripts/electron-native.mjs), where a binary is
//     present to load it.
// Run it again once online: `npm run postinstall`. Set CONCORD_SKIP_ELECTRON=1 (or Electron's own
// ELECTRON_SKIP_BINARY_DOWNLOAD=1) to skip the download, CONCORD_SKIP_ELECTRON_NATIVE=1 to skip the build.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronSqlite, lastLine } from './electron-native.mjs';
import { electronArchiveCached, readElectronPackage } from './lib/electron-package.mjs';
import { electronBinaryPlan, hostOf } from './lib/install-plan.mjs';
import { hostReachable } from './lib/network.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;

function say(line) {
  process.stderr.write(`[concord] ${line}\n`);
}

async function electronBinary() {
  const pkg = readElectronPackage(root, env);
  const skipEnv = ['CONCORD_SKIP_ELECTRON', 'ELECTRON_SKIP_BINARY_DOWNLOAD'].find((k) => env[k]) ?? null;
  const mirror =
    env['ELECTRON_MIRROR'] ??
    env['npm_config_electron_mirror'] ??
    'https://github.com/electron/electron/releases/';
  const host = hostOf(mirror);
  const installed = pkg.exe !== null;
  const offline = env['npm_config_offline'] === 'true';
  const cached = pkg.version !== null && !installed && electronArchiveCached(pkg.version, env);
  const needsNetwork = pkg.version !== null && !installed && !skipEnv && !cached && !offline;
  const plan = electronBinaryPlan({
    version: pkg.version,
    installed,
    skipEnv,
    offline,
    cached,
    host,
    reachable: needsNetwork ? await hostReachable(host, env) : false,
  });
  say(plan.line);
  if (!plan.fetch || !pkg.dir) return;
  const r = spawnSync(process.execPath, [path.join(pkg.dir, 'install.js')], {
    cwd: pkg.dir,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20 * 60_000,
  });
  if (readElectronPackage(root, env).exe) {
    say(`Electron ${pkg.version}: binary installed`);
  } else {
    const why = r.error ? r.error.message : lastLine(`${r.stdout ?? ''}\n${r.stderr ?? ''}`);
    say(`Electron ${pkg.version}: binary not installed (${why}); \`npm start\` will run the web host`);
  }
}

try {
  await electronBinary();
} catch (e) {
  say(`Electron binary: not installed (${e instanceof Error ? e.message : String(e)})`);
}
try {
  say((await ensureElectronSqlite({ root, mode: 'install', env })).line);
} catch (e) {
  say(`better-sqlite3 for Electron: not built (${e instanceof Error ? e.message : String(e)})`);
}
process.exit(0);
