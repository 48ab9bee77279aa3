// The Electron host's wiring, run under Node with a stand-in `electron` module (no Electron binary here):
// the order Electron requires, the window's hardening, the database opened through the Electron build of
// better-sqlite3, the app protocol's answers, the IPC sender check and the window's failure handling.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REQUEST_CHANNELS } from '@contract';
import { standInElectron } from './test-support/stand-in-electron';

const stand = standInElectron();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-electron-wiring-'));
const appRoot = path.join(tmp, 'app');
const renderer = path.join(appRoot, 'out', 'renderer');
const workspace = path.join(tmp, 'workspace');
// The Electron build's place for the running ABI (under this test: Node's own, so Node's build stands in).
const target = `electron-v${process.versions.modules}-${process.platform}-${process.arch}`;
const electronAddon = path.join(appRoot, 'native', 'better-sqlite3', target, 'better_sqlite3.node');
const opened: { file: string; options: unknown }[] = [];

vi.mock('electron', async () =>
  (await import('./test-support/stand-in-electron')).standInElectron().module(),
);
vi.mock('../resources', () => ({
  appRoot: () => appRoot,
  rendererDir: () => renderer,
  resourcesDir: () => path.join(appRoot, 'resources'),
}));
// Mask saves encode in-thread here (the pool needs the built worker).
vi.mock('../../workers/mask-codec-pool', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  MaskCodecPool: { fromBuild: () => undefined },
}));
vi.mock('better-sqlite3', async (importOriginal) => {
  const Real = ((await importOriginal()) as { default: new (f: string, o?: unknown) => object }).default;
  function Recording(file: string, options?: unknown) {
    opened.push({ file, options });
    return new Real(file, options);
  }
  Recording.prototype = Real.prototype;
  return { default: Recording };
});

const request = (url: string) => ({ url, method: 'GET', headers: new Headers() }) as unknown as Request;
const handler = () => stand.handlers.get('concord-app')!;
const argv = process.argv;

beforeAll(async () => {
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Concord</title>');
  fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'export {};');
  fs.mkdirSync(path.dirname(electronAddon), { recursive: true });
  const nodeBuild = createRequire(import.meta.url).resolve(
    'better-sqlite3/build/Release/better_sqlite3.node',
  );
  fs.copyFileSync(nodeBuild, electronAddon);
  vi.stubEnv('CONCORD_NO_SAMPLE', '1');
  vi.stubEnv('CONCORD_SOFTWARE_GL', '');
  vi.stubEnv('ELECTRON_RENDERER_URL', '');
  process.argv = [...argv, '--workspace', workspace];
  await import('./main');
});

afterAll(() => {
  stand.app.emit('will-quit'); // closes the services and the database
  process.argv = argv;
  vi.unstubAllEnvs();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(check()).toBe(true);
}

describe('the Electron host, before ready', () => {
  it('takes the single-instance lock, then registers its scheme as privileged and enables the sandbox', () => {
    expect(stand.log.slice(0, 3)).toEqual(['lock', 'schemes', 'sandbox']);
    expect(stand.schemes).toEqual([
      {
        scheme: 'concord-app',
        privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: false },
      },
    ]);
    expect(stand.handlers.size).toBe(0);
  });
  it('lets Chromium fall back to software GL for the 3D view', () => {
    expect(stand.switches).toContainEqual(['enable-unsafe-swiftshader']);
  });
});

describe('the Electron host, once ready', () => {
  beforeAll(async () => {
    stand.becomeReady();
    await until(() => typeof stand.windows[0]?.url === 'string');
  });

  it('opens the workspace through the Electron build of better-sqlite3', () => {
    expect(opened).toHaveLength(1);
    expect(opened[0]!.file).toBe(path.join(workspace, 'concord.db'));
    expect(opened[0]!.options).toEqual({ nativeBinding: electronAddon });
    // The addon Node loaded is that file, not node_modules' own.
    expect(Object.keys(createRequire(import.meta.url).cache)).toContain(electronAddon);
    expect(fs.existsSync(path.join(workspace, 'concord.db'))).toBe(true);
  });

  it('opens one hardened window on the app origin', () => {
    expect(stand.windows).toHaveLength(1);
    const { options, url } = stand.windows[0]!;
    expect(url).toBe('concord-app://app/index.html');
    expect(options).toMatchObject({
      show: false,
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
    });
    const prefs = options['webPreferences'] as { preload: string };
    expect(prefs.preload.endsWith(path.join('preload', 'index.cjs'))).toBe(true);
    expect(stand.log.indexOf('handle')).toBeLessThan(stand.log.indexOf('window'));
  });

  it('serves the renderer with its CSP, and only from its folder', async () => {
    const index = await handler()(request('concord-app://app/'));
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>Concord</title>');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('access-control-allow-origin')).toBeNull();
    const js = await handler()(request('concord-app://app/assets/app.js'));
    expect(js.headers.get('content-type')).toContain('text/javascript');
    for (const outside of [
      'concord-app://app/%2e%2e/%2e%2e/package.json',
      'concord-app://app/..%2f..%2fpackage.json',
      'concord-app://app/assets/missing.js',
      'concord-app://evil/index.html',
      'concord-app://app/api/volumes/999/voxels',
    ]) {
      expect((await handler()(request(outside))).status, outside).toBe(404);
    }
  });

  it('answers 400 to a URL that does not parse or decode', async () => {
    expect((await handler()(request('concord-app://app/assets/%E0%A4%A'))).status).toBe(400);
    expect((await handler()(request('concord-app://app:notaport/'))).status).toBe(400);
    expect((await handler()(request('concord-app://app/a%00b'))).status).toBe(400);
  });

  it('answers IPC only from a frame whose origin is exactly the app', async () => {
    expect([...stand.ipc.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort());
    const ask = (url: string) =>
      stand.ipc.get('project:list')!(
        { senderFrame: { url }, sender: stand.windows[0]!.webContents },
        undefined,
      );
    expect(await ask('concord-app://app/index.html')).toEqual({ ok: true, value: [] });
    for (const url of [
      'data:text/html,hi',
      'blob:concord-app://app/x',
      'devtools://devtools/x',
      'concord-app://evil/',
    ]) {
      expect(await ask(url), url).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    }
  });

  it('shows a crashed renderer instead of a blank window, and reloads it', async () => {
    const contents = stand.windows[0]!.webContents;
    contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(stand.messageBoxes).toHaveLength(1);
    expect(String(stand.messageBoxes[0]!['message'])).toContain('crashed');
    await until(() => stand.log.includes('reload'));
    contents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    expect(stand.messageBoxes).toHaveLength(1);
  });

  it('says when the preload fails', () => {
    stand.windows[0]!.webContents.emit('preload-error', {}, '/app/out/preload/index.cjs', new Error('boom'));
    expect(stand.errorBoxes.at(-1)!.content).toContain('boom');
  });

  it('brings the first window forward on a second launch', () => {
    expect(stand.log).not.toContain('focus');
    stand.app.emit('second-instance', {}, ['concord'], '/');
    expect(stand.log.slice(-3)).toEqual(['restore', 'show', 'focus']);
  });
});
