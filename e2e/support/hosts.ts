// Starts Concord for a spec: the web host as a child process (`concord serve --json` prints its URL), or
// the Electron app through Playwright's _electron where the binary exists. Each start gets the workspace
// folder it is given, so a spec can stop and restart on the same workspace.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { _electron as electron } from '@playwright/test';
import type { Browser, ElectronApplication, Page } from '@playwright/test';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
const CLI = path.join(ROOT, 'out', 'main', 'cli.js');

export interface RunningHost {
  page: Page;
  /** The web host's address with its token (for a second client over the contract); null in Electron. */
  url: string | null;
  /** Electron only: the app, whose main process a spec may reach (e.g. to answer a native dialog). */
  electron?: ElectronApplication;
  stop(): Promise<void>;
}

export interface StartOptions {
  workspace: string;
  sample?: boolean;
  /** 'last': no --port, so the host comes back on its last start's port (and token) as `npm start` does. */
  port?: 'last';
}

export async function startWebHost(
  opts: StartOptions,
): Promise<{ url: string; proc: ChildProcess; stderr: string[] }> {
  const args = [CLI, 'serve', '--workspace', opts.workspace, '--json'];
  if (opts.port !== 'last') args.push('--port', '0');
  if (!opts.sample) args.push('--no-sample');
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  proc.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const lines = readline.createInterface({ input: proc.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`web host did not start: ${stderr.join('')}`)), 60_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited with ${code}: ${stderr.join('')}`));
    });
  });
  return { url, proc, stderr };
}

export async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  });
}

/** Kills the process with SIGKILL (no chance to clean up, as a crash or `kill -9`) and waits for its exit. */
export async function killProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

export async function startWeb(browser: Browser, opts: StartOptions): Promise<RunningHost> {
  const { url, proc } = await startWebHost(opts);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  return {
    page,
    url,
    async stop() {
      await context.close();
      await stopProcess(proc);
    },
  };
}

/** The Electron binary, or null when it is not installed (its download needs the internet). */
export function electronBinary(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const exe = require('electron') as unknown;
    return typeof exe === 'string' && fs.existsSync(exe) ? exe : null;
  } catch {
    return null;
  }
}

/**
 * The app on the workspace, with user data of its own next to it (so the single-instance lock is not the
 * one of a Concord the tester has open). As root (containers) Chromium needs --no-sandbox, as the web
 * project's Chromium does; the app itself never turns its sandbox off.
 */
export async function startElectron(opts: StartOptions): Promise<RunningHost> {
  const userData = `${opts.workspace}-electron-user-data`;
  const app: ElectronApplication = await electron.launch({
    args: [ROOT, '--workspace', opts.workspace, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    env: { ...process.env, CONCORD_NO_SAMPLE: opts.sample ? '' : '1', CONCORD_USER_DATA: userData },
  });
  const page = await app.firstWindow();
  return {
    page,
    url: null,
    electron: app,
    async stop() {
      await app.close();
      fs.rmSync(userData, { recursive: true, force: true });
    },
  };
}
