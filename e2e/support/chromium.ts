// Debian's Chromium (apt-get install chromium); Playwright's own browser download is not possible offline.
import fs from 'node:fs';

export function chromiumPath(): string {
  const candidates = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  throw new Error('Chromium not found: install it (apt-get install chromium) or set CHROMIUM_PATH');
}
