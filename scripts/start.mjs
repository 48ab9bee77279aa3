// `npm start`: the Electron desktop app when its binary is installed and usable here; otherwise say why
// and start the web host (same services, same renderer) on 127.0.0.1, opening Chromium when one exists.
// The web host also starts when the desktop app dies by a signal (Chromium's sandbox refusing to start, a
// crash), after saying why. Arguments after `--` go to the app, e.g. `npm start -- --workspace /data/concord`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readElectronPackage } from './lib/electron-package.mjs';
import { electronOutcome, explainElectronDeath, sqliteProbeProblem } from './lib/start-plan.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;

function say(line) {
  process.stderr.write(`[concord] ${line}\n`);
}

function ensureBuilt() {
  if (
    existsSync(path.join(root, 'out/main/cli.js')) &&
    existsSync(path.join(root, 'out/main/index.js')) &&
    existsSync(path.join(root, 'out/renderer/index.html'))
  )
    return;
  say('building (first start)…');
  const r = spawnSync(process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Why the desktop app cannot run here, or null. */
function electronProblem(exe) {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'there is no display (DISPLAY is not set)';
  }
  if (process.platform === 'linux' && process.getuid?.() === 0) {
    return 'Electron refuses to run as root with its sandbox on, and Concord does not turn the sandbox off';
  }
  // better-sqlite3 is a native module: the Electron host loads a build made for Electron's Node. Open a
  // database with it, under that Node, as the host will.
  const probe = spawnSync(exe, [path.join(root, 'scripts/lib/sqlite-probe.mjs'), root], {
    cwd: root,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return sqliteProbeProblem({
    status: probe.status,
    signal: probe.signal,
    stdout: probe.stdout ?? '',
    stderr: probe.stderr ?? '',
    error: probe.error?.message,
  });
}

/** What can be seen of Chromium's sandbox on Linux, to explain a death by a signal. */
function sandboxContext(exe) {
  const helper = path.join(path.dirname(exe), 'chrome-sandbox');
  let sandbox = null;
  try {
    const st = statSync(helper);
    sandbox = { path: helper, uid: st.uid, mode: st.mode };
  } catch {
    sandbox = null;
  }
  const read = (f) => {
    try {
      return readFileSync(f, 'utf8').trim();
    } catch {
      return null;
    }
  };
  const usernsRestricted =
    read('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1' ||
    read('/proc/sys/kernel/unprivileged_userns_clone') === '0' ||
    read('/proc/sys/user/max_user_namespaces') === '0';
  return { platform: process.platform, uid: process.getuid?.() ?? null, sandbox, usernsRestricted };
}

/** `why`: the reason the desktop app does not start, said first (null when already said). */
function startWebHost(why) {
  if (why) say(`Concord ${version}: not starting the desktop app because ${why}.`);
  say('Starting the web host instead: the same app in your browser, served only to this machine.');
  const child = spawn(process.execPath, [path.join(root, 'out/main/cli.js'), 'serve', '--open', ...args], {
    stdio: 'inherit',
  });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function startDesktop(exe) {
  const child = spawn(exe, [root, ...args], { stdio: 'inherit' });
  // Ctrl+C reaches Electron too (same process group); a stop sent to this script alone is passed on.
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => {
    const outcome = electronOutcome(code, signal);
    if (outcome.kind === 'exit') process.exit(outcome.code);
    const why = explainElectronDeath(outcome.signal, sandboxContext(exe));
    say(`Concord ${version}: the desktop app stopped: ${why}.`);
    startWebHost(null);
  });
}

ensureBuilt();
const electron = readElectronPackage(root);
const problem = electron.exe ? electronProblem(electron.exe) : electron.reason;
if (problem || !electron.exe) startWebHost(problem ?? 'the Electron binary is not installed');
else startDesktop(electron.exe);
