// `npm start`: the Electron desktop app when its binary is installed and usable here; otherwise say why
// and start the web host (same services, same renderer) on 127.0.0.1, opening Chromium when one exists.
// Arguments after `--` go to the app, e.g. `npm start -- --workspace /data/concord`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

function say(line) {
  process.stderr.write(`[concord] ${line}\n`);
}

function ensureBuilt() {
  if (
    existsSync(path.join(root, 'out/main/cli.js')) &&
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

/** The Electron binary's path, or the reason there is none. */
function electronBinary() {
  try {
    const pathFile = path.join(path.dirname(require.resolve('electron/package.json')), 'path.txt');
    if (!existsSync(pathFile)) {
      return {
        reason:
          'the Electron binary is not installed (its download needs the internet, which this machine lacks)',
      };
    }
    const exe = require('electron');
    if (typeof exe === 'string' && existsSync(exe)) return { exe };
    return { reason: 'the Electron binary is missing from node_modules/electron/dist' };
  } catch (e) {
    return { reason: `Electron is not usable: ${e.message.split('\n')[0]}` };
  }
}

function electronUsable(exe) {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'there is no display (DISPLAY is not set)';
  }
  // better-sqlite3 is a native module: it must be built for Electron's ABI, not Node's.
  const probe = spawnSync(exe, ['-e', "require('better-sqlite3')"], {
    cwd: root,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
  });
  if (probe.status !== 0) {
    return (
      'better-sqlite3 is built for Node, not for Electron ' +
      '(run `npx electron-builder install-app-deps` or `npx @electron/rebuild -w better-sqlite3` where Electron headers can be fetched)'
    );
  }
  return null;
}

ensureBuilt();
const electron = electronBinary();
const problem = electron.exe ? electronUsable(electron.exe) : electron.reason;
if (!problem) {
  const child = spawn(electron.exe, [root, ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  say(`Concord ${version}: not starting the desktop app because ${problem}.`);
  say('Starting the web host instead: the same app in your browser, served only to this machine.');
  const child = spawn(process.execPath, [path.join(root, 'out/main/cli.js'), 'serve', '--open', ...args], {
    stdio: 'inherit',
  });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => process.exit(code ?? 0));
}
