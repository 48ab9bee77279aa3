// A stand-in for the `electron` module, for testing the Electron host's wiring under plain Node where no
// Electron binary exists (main.wiring.test.ts). It keeps Electron's ordering rules that matter here (schemes
// are registered before 'ready', protocol handlers after) and records what the host asked of it.
// One instance per process, kept on globalThis so that it survives vi.resetModules().
import { EventEmitter } from 'node:events';

type Handler = (request: Request) => Response | Promise<Response>;
type IpcHandler = (event: unknown, req: unknown) => unknown;

export class StandInContents extends EventEmitter {
  static nextId = 1;
  readonly id = StandInContents.nextId++;
  url = '';
  windowOpenHandler: unknown = null;
  constructor(private readonly stand: StandInElectron) {
    super();
  }
  setWindowOpenHandler(h: unknown): void {
    this.windowOpenHandler = h;
  }
  reload(): void {
    this.stand.log.push('reload');
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return false;
  }
  send(): void {}
}

export class StandInElectron {
  /** What the host did, in order: 'lock', 'schemes', 'sandbox', 'ready', 'handle', 'window', 'focus', ... */
  log: string[] = [];
  ready = false;
  lockGranted = true;
  messageBoxResponse = 0;
  schemes: { scheme: string; privileges: Record<string, boolean> }[] = [];
  handlers = new Map<string, Handler>();
  ipc = new Map<string, IpcHandler>();
  windows: { options: Record<string, unknown>; url: string | null; webContents: StandInContents }[] = [];
  switches: (string | undefined)[][] = [];
  paths = new Map<string, string>();
  errorBoxes: { title: string; content: string }[] = [];
  messageBoxes: Record<string, unknown>[] = [];
  exitCode: number | null = null;
  private resolveReady: () => void = () => undefined;
  private readyPromise = new Promise<void>((r) => (this.resolveReady = r));

  becomeReady(): void {
    this.ready = true;
    this.log.push('ready');
    this.resolveReady();
  }

  private exports: Record<string, unknown> | null = null;

  /** The `electron` module's exports that the host uses (one set per stand-in). */
  module(): Record<string, unknown> {
    return (this.exports ??= this.build());
  }

  /** The stand-in `app`, to emit its events ('second-instance', 'will-quit'). */
  get app(): EventEmitter {
    return this.module()['app'] as EventEmitter;
  }

  private build(): Record<string, unknown> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const stand = this;
    const app = Object.assign(new EventEmitter(), {
      isPackaged: false,
      whenReady: () => stand.readyPromise,
      isReady: () => stand.ready,
      requestSingleInstanceLock: () => {
        stand.log.push('lock');
        return stand.lockGranted;
      },
      enableSandbox: () => stand.log.push('sandbox'),
      quit: () => stand.log.push('quit'),
      exit: (code = 0) => {
        stand.log.push(`exit ${code}`);
        stand.exitCode = code;
      },
      getPath: (name: string) => stand.paths.get(name) ?? `/nonexistent/${name}`,
      setPath: (name: string, value: string) => stand.paths.set(name, value),
      commandLine: {
        appendSwitch: (...args: (string | undefined)[]) => {
          if (stand.ready) throw new Error('switches must be appended before ready');
          stand.switches.push(args);
        },
      },
    });
    class BrowserWindow extends EventEmitter {
      readonly webContents = new StandInContents(stand);
      private readonly record;
      constructor(options: Record<string, unknown>) {
        super();
        this.record = { options, url: null as string | null, webContents: this.webContents };
        stand.windows.push(this.record);
        stand.log.push('window');
        all.push(this);
      }
      loadURL(url: string): Promise<void> {
        if (!stand.ready) throw new Error('loadURL before ready');
        this.record.url = url;
        this.webContents.url = url;
        return Promise.resolve();
      }
      isDestroyed = () => false;
      isMinimized = () => true;
      restore = () => stand.log.push('restore');
      show = () => stand.log.push('show');
      focus = () => stand.log.push('focus');
      static getAllWindows = () => all;
      static getFocusedWindow = () => all[0] ?? null;
    }
    const all: BrowserWindow[] = [];
    return {
      app,
      BrowserWindow,
      protocol: {
        registerSchemesAsPrivileged: (schemes: StandInElectron['schemes']) => {
          if (stand.ready) throw new Error('registerSchemesAsPrivileged must be called before ready');
          stand.schemes.push(...schemes);
          stand.log.push('schemes');
        },
        handle: (scheme: string, handler: Handler) => {
          if (!stand.ready) throw new Error('protocol.handle before ready');
          stand.handlers.set(scheme, handler);
          stand.log.push('handle');
        },
      },
      session: {
        defaultSession: {
          webRequest: { onBeforeRequest: () => undefined },
          setPermissionRequestHandler: () => undefined,
          setPermissionCheckHandler: () => undefined,
        },
      },
      ipcMain: {
        handle: (channel: string, handler: IpcHandler) => stand.ipc.set(channel, handler),
      },
      dialog: {
        showErrorBox: (title: string, content: string) => stand.errorBoxes.push({ title, content }),
        showMessageBox: (_win: unknown, options: Record<string, unknown>) => {
          stand.messageBoxes.push(options);
          return Promise.resolve({ response: stand.messageBoxResponse });
        },
        showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
      },
      utilityProcess: {
        fork: () => {
          throw new Error('the stand-in has no utility process');
        },
      },
    };
  }
}

const KEY = '__concordStandInElectron';
const g = globalThis as unknown as Record<string, StandInElectron | undefined>;

export function standInElectron(): StandInElectron {
  return (g[KEY] ??= new StandInElectron());
}
