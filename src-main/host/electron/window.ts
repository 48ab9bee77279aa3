// The app window: hardened options (DESIGN.md §7: context isolation, sandbox, no Node), and what happens
// when it fails. A renderer that crashes, a preload that throws, or a page that does not load would otherwise
// leave a blank window with no word of why; each is logged and told to the user, with a way on.
import { app, BrowserWindow, dialog } from 'electron';
import type { BrowserWindowConstructorOptions, RenderProcessGoneDetails } from 'electron';

export function windowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 920,
    show: false,
    backgroundColor: '#111418',
    title: 'Concord',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

const GONE: Record<string, string> = {
  crashed: 'crashed',
  oom: 'ran out of memory',
  killed: 'was stopped by the system',
  'launch-failed': 'could not start',
  'integrity-failure': 'failed its code integrity check',
  'abnormal-exit': 'stopped unexpectedly',
  'memory-eviction': 'was closed to free memory',
};

/** What to tell the user when the window's renderer process is gone. */
export function rendererGoneMessage(details: Pick<RenderProcessGoneDetails, 'reason' | 'exitCode'>): {
  message: string;
  detail: string;
} {
  return {
    message: `Concord's window ${GONE[details.reason] ?? 'stopped'} (${details.reason}, exit code ${details.exitCode}).`,
    detail:
      'Every finished edit was saved as it was made. Reload the window to go on' +
      (details.reason === 'oom' ? ' (closing other programs frees memory).' : '.'),
  };
}

/** Shows what went wrong instead of a blank window. */
export function watchWindow(win: BrowserWindow): void {
  const contents = win.webContents;
  contents.on('render-process-gone', (_event, details) => {
    if (details.reason === 'clean-exit') return;
    const { message, detail } = rendererGoneMessage(details);
    console.error(`[concord] ${message}`);
    void dialog
      .showMessageBox(win, {
        type: 'error',
        title: 'Concord',
        message,
        detail,
        buttons: ['Reload', 'Quit'],
        defaultId: 0,
        cancelId: 1,
      })
      .then(({ response }) => {
        if (win.isDestroyed()) return;
        if (response === 0) contents.reload();
        else app.quit();
      });
  });
  contents.on('preload-error', (_event, preloadPath, error) => {
    console.error(`[concord] the preload script ${preloadPath} failed: ${error.stack ?? error.message}`);
    dialog.showErrorBox(
      "Concord's window cannot reach Concord",
      `Its preload script failed: ${error.message}\n\n${preloadPath}\n\n` +
        'Rebuild the app (`npm run build`) or reinstall it.',
    );
  });
  contents.on('did-fail-load', (_event, code, description, url, isMainFrame) => {
    // -3 (ERR_ABORTED): a load replaced by another one, not a failure.
    if (!isMainFrame || code === -3) return;
    console.error(`[concord] ${url} did not load: ${description} (${code})`);
    dialog.showErrorBox('Concord cannot show its window', `${url} did not load: ${description} (${code}).`);
  });
}

export async function openMainWindow(preload: string, url: string): Promise<BrowserWindow> {
  const win = new BrowserWindow(windowOptions(preload));
  watchWindow(win);
  win.once('ready-to-show', () => win.show());
  // A failed load is shown by watchWindow's did-fail-load; loadURL's rejection says the same.
  await win.loadURL(url).catch((e: unknown) => console.error(`[concord] ${(e as Error).message}`));
  return win;
}

/** A second launch (the single-instance lock) brings the first window forward. */
export function focusFirstWindow(): void {
  const win = BrowserWindow.getAllWindows()[0];
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
