// Opens the web host's URL in an installed Chromium, as an app window with its own throw-away profile and
// no background networking (Concord is offline; Chromium should not phone home either).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

export function findChromium(): string | null {
  if (process.env['CHROMIUM_PATH'] && fs.existsSync(process.env['CHROMIUM_PATH']))
    return process.env['CHROMIUM_PATH'];
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    for (const name of CANDIDATES) {
      const p = path.join(dir, name);
      if (fs.existsSync(p)) return p;
    }
  }
  return null;
}

/** How long a Chromium that started must stay up to count as opened (one that cannot open a window, or
 *  finds no usable sandbox, exits within this). */
const SETTLE_MS = 1500;

/** Opens the URL; resolves to what was opened (Chromium's path), or why nothing was, in words. */
export async function openInChromium(
  url: string,
  settleMs = SETTLE_MS,
): Promise<{ opened: string } | { reason: string }> {
  const exe = findChromium();
  if (!exe) return { reason: 'no Chromium is installed (apt-get install chromium)' };
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) {
    return { reason: 'there is no display (DISPLAY is not set)' };
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-chromium-'));
  const child = spawn(
    exe,
    [
      `--app=${url}`,
      `--user-data-dir=${profile}`,
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
    { stdio: 'ignore', detached: true },
  );
  const outcome = await new Promise<{ opened: string } | { reason: string }>((resolve) => {
    const timer = setTimeout(() => resolve({ opened: exe }), settleMs);
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ reason: `${exe} could not be started (${e.code ?? e.message})` });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({
        reason: `${exe} stopped at once (${signal ? `signal ${signal}` : `exit status ${code ?? '?'}`})`,
      });
    });
  });
  child.unref();
  return outcome;
}
