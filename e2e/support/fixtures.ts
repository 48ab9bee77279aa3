// The `concord` fixture: a started host (web or Electron, by project) on a fresh temporary workspace.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
import { electronBinary, startElectron, startWeb } from './hosts';
import type { RunningHost, StartOptions } from './hosts';

export interface Concord {
  workspace: string;
  /** Starts (or restarts) the host on the workspace; returns its page. */
  start(opts?: Partial<StartOptions>): Promise<RunningHost>;
}

export const test = base.extend<{ concord: Concord }>({
  concord: async ({ browser }, use, testInfo) => {
    const host = (testInfo.project.metadata as { host?: string }).host ?? 'web';
    if (host === 'electron') {
      test.skip(
        electronBinary() === null,
        'Electron binary not installed on this machine (needs the internet to download)',
      );
    }
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-e2e-'));
    const running: RunningHost[] = [];
    await use({
      workspace,
      async start(opts = {}) {
        const o = { workspace, ...opts };
        const h = host === 'electron' ? await startElectron(o) : await startWeb(browser, o);
        running.push(h);
        return h;
      },
    });
    for (const h of running) await h.stop().catch(() => undefined);
    fs.rmSync(workspace, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
