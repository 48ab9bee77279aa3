// The Electron host: opens the workspace, serves the renderer and voxels over concord-app://, answers the
// contract over IPC and hardens the window. All use-cases live in services/; this file is only glue.
//
// Workspace: --workspace <dir>, else $CONCORD_WORKSPACE, else <userData>/workspace.
// One instance per user data folder (CONCORD_USER_DATA moves it, e.g. for tests): a second launch brings the
// first window forward and quits.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog } from 'electron';
import { openWorkspace } from '../../workspace/workspace';
import type { Workspace } from '../../workspace/workspace';
import { collectBlobsSoon } from '../collect-at-open';
import { MaskCodecPool } from '../../workers/mask-codec-pool';
import { ensureSampleProject } from '../sample-project';
import { ensureStarter } from '../starter-model';
import { createServices } from '../../services/create-services';
import type { Services } from '../../services/create-services';
import { appRoot, rendererDir } from '../resources';
import { APP_ORIGIN, handleAppScheme, registerAppScheme } from './app-protocol';
import { devServerOrigin, hardenContents, hardenSession } from './hardening';
import { importPicker, outputFolderPicker, type ShowOpenDialog } from './dialogs';
import { registerIpc } from './ipc';
import { gpuDevices, softwareGlSwitches } from './software-gl';
import { chooseSqliteBinding, explainOpenFailure, runningTarget } from './sqlite-binding';
import { utilityProcessLauncher } from './trainer-launcher';
import { focusFirstWindow, openMainWindow } from './window';

const here = path.dirname(fileURLToPath(import.meta.url));

function workspaceArg(): string {
  const i = process.argv.indexOf('--workspace');
  const fromArg = i >= 0 ? process.argv[i + 1] : undefined;
  return fromArg ?? process.env['CONCORD_WORKSPACE'] ?? path.join(app.getPath('userData'), 'workspace');
}

let services: Services | null = null;

/** The system's open dialog, attached to the focused window when there is one (dialogs.ts). */
const showOpenDialog: ShowOpenDialog = (options) => {
  const win = BrowserWindow.getFocusedWindow();
  return win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options);
};

async function createWindow(): Promise<void> {
  const dev = devServerOrigin();
  await openMainWindow(
    path.join(here, '../preload/index.cjs'),
    dev ? process.env['ELECTRON_RENDERER_URL']! : `${APP_ORIGIN}/index.html`,
  );
}

/** The workspace, opened with the better-sqlite3 build made for this Electron (sqlite-binding.ts). */
function openWorkspaceForElectron(): Workspace {
  const binding = chooseSqliteBinding(appRoot(), runningTarget(), fs.existsSync);
  try {
    const ws = openWorkspace(workspaceArg(), {
      what: 'desktop app',
      ...(binding.kind === 'electron' ? { nativeBinding: binding.file } : {}),
    });
    for (const w of ws.warnings) console.error(`[concord] warning: ${w}`);
    if (binding.kind === 'missing') {
      console.error(
        `[concord] ${binding.expected} is missing; better-sqlite3's default addon loaded instead`,
      );
    }
    return ws;
  } catch (e) {
    throw new Error(explainOpenFailure(binding, e as Error, process.versions.electron ?? 'unknown'));
  }
}

async function start(): Promise<void> {
  await app.whenReady();
  hardenSession();
  app.on('web-contents-created', (_e, contents) => hardenContents(contents));
  let ws: Workspace;
  try {
    ws = openWorkspaceForElectron();
  } catch (e) {
    console.error(`[concord] ${(e as Error).message}`);
    dialog.showErrorBox('Concord cannot open its workspace', (e as Error).message);
    app.exit(2);
    return;
  }
  // Saves encode masks in worker threads, off the main loop (workers/mask-codec-pool.ts).
  services = createServices(
    ws,
    {
      host: 'electron',
      launchTrainer: utilityProcessLauncher(),
      pickImportPaths: importPicker(showOpenDialog),
      pickOutputFolder: outputFolderPicker(showOpenDialog),
    },
    { maskCodec: MaskCodecPool.fromBuild() },
  );
  collectBlobsSoon(ws, 'concord:gc', (l) => console.error(l));
  handleAppScheme(services, rendererDir(), devServerOrigin());
  registerIpc(services);
  await ensureStarter(ws, 'concord:starter').catch((e: unknown) =>
    console.error(`[concord] starter model not added: ${(e as Error).message}`),
  );
  await ensureSampleProject(ws, 'concord:sample').catch((e: unknown) =>
    console.error(`[concord] sample project not imported: ${(e as Error).message}`),
  );
  await createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });
}

// Everything below runs before the app is ready, as Electron requires of each.
if (process.env['CONCORD_USER_DATA']) app.setPath('userData', path.resolve(process.env['CONCORD_USER_DATA']));
if (!app.requestSingleInstanceLock()) {
  console.error('[concord] Concord is already running: its window was brought forward');
  app.quit();
} else {
  app.on('second-instance', () => focusFirstWindow());
  for (const [name, value] of softwareGlSwitches({
    platform: process.platform,
    setting: process.env['CONCORD_SOFTWARE_GL'],
    gpuDevices: gpuDevices(process.platform),
  })) {
    if (value === undefined) app.commandLine.appendSwitch(name);
    else app.commandLine.appendSwitch(name, value);
  }
  registerAppScheme(devServerOrigin() !== null);
  app.enableSandbox();
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    services?.close();
    services = null;
  });
  start().catch((e: unknown) => {
    console.error(e);
    dialog.showErrorBox('Concord failed to start', (e as Error)?.message ?? String(e));
    app.exit(1);
  });
}
