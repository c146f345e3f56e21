/**
 * The project's one mock: a thin stand-in for the `electron` module.
 *
 * The Electron runtime cannot be downloaded on the build machines, so the
 * shell (`electron/main.ts`, `electron/preload.ts`, `electron/shell/`) is
 * the one edge that cannot run under Node (DESIGN.md, "Tests"). This stub
 * gives the bundled shell just the calls it makes, plus the few that
 * electron-store makes (`app.getPath`, `app.getVersion`, `ipcMain.on`),
 * and records them, so a test can check what the composition root wired.
 * Everything behind the shell (services, storage, the sandbox, the IPC
 * handlers) is the real code, running in the bundle.
 */
import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { readFile, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileFunction } from 'node:vm';

/** What the stub's app gives as `getPath('userData')`, and the lock. */
export interface ElectronStubOptions {
  userData: string;
  /** False plays a second instance: another one holds the lock. */
  singleInstanceLock?: boolean;
}

/** The part of Electron's IPC event the shell reads. */
export interface StubIpcEvent {
  senderFrame: { url: string } | null;
}

/** A listener as `ipcMain.handle` gets it. */
export type StubIpcHandler = (
  event: StubIpcEvent,
  ...args: unknown[]
) => unknown;

/** A protocol handler as `protocol.handle` gets it. */
export type StubProtocolHandler = (request: Request) => Promise<Response>;

/** `setWindowOpenHandler`'s handler, reduced to the field main reads. */
export type StubWindowOpenHandler = (details: { url: string }) => {
  action: string;
};

/** The permission request handler: answers through `callback`. */
export type StubPermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
) => void;

/** The permission check handler: answers with its return value. */
export type StubPermissionCheckHandler = (
  contents: unknown,
  permission: string,
) => boolean;

/** Thrown when the shell asks the stub for more than it offers. */
export class ElectronStubError extends Error {
  override readonly name = 'ElectronStubError';
}

const SEALED_PREFIX = 'stub-sealed:';

/**
 * safeStorage on a Linux desktop with a keyring: strong, and reversible
 * like the real one, without ever writing the plain text.
 */
const stubSafeStorage = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString: (plain: string) =>
    Buffer.from(SEALED_PREFIX + Buffer.from(plain).toString('hex')),
  decryptString: (sealed: Buffer) => {
    const text = sealed.toString();
    if (!text.startsWith(SEALED_PREFIX)) {
      throw new ElectronStubError('not sealed by the stub keyring');
    }
    return Buffer.from(text.slice(SEALED_PREFIX.length), 'hex').toString();
  },
};

/** A window's web contents: event listeners, handlers, sent events. */
export class StubWebContents extends EventEmitter {
  windowOpenHandler: StubWindowOpenHandler | undefined;
  readonly sent: Array<[string, unknown]> = [];

  setWindowOpenHandler(handler: StubWindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
}

/**
 * Builds one stub `electron` module and its record. Every call the shell
 * makes is appended to `calls` by name, in order, so a test can check
 * that one step came before another (a scheme before `ready`).
 */
export function createElectronStub(options: ElectronStubOptions) {
  const calls: string[] = [];
  const windows: StubBrowserWindow[] = [];
  const record = {
    calls,
    windows,
    privilegedSchemes: [] as unknown[],
    protocolHandlers: new Map<string, StubProtocolHandler>(),
    ipcHandlers: new Map<string, StubIpcHandler>(),
    ipcListeners: new Map<string, unknown>(),
    permissionRequestHandler: undefined as
      StubPermissionRequestHandler | undefined,
    permissionCheckHandler: undefined as StubPermissionCheckHandler | undefined,
    openedExternally: [] as string[],
    copiedTexts: [] as string[],
    notifications: [] as unknown[],
    errorBoxes: [] as Array<{ title: string; content: string }>,
    exitCodes: [] as number[],
    exposedInMainWorld: new Map<string, unknown>(),
    rendererInvokes: [] as Array<[string, unknown]>,
  };

  class StubBrowserWindow extends EventEmitter {
    static getAllWindows(): StubBrowserWindow[] {
      return [...windows];
    }

    readonly webContents = new StubWebContents();
    readonly loadedUrls: string[] = [];
    focusCount = 0;

    constructor(readonly options: Record<string, unknown>) {
      super();
      calls.push('new BrowserWindow');
      windows.push(this);
    }

    loadURL(url: string): Promise<void> {
      this.loadedUrls.push(url);
      return Promise.resolve();
    }

    isMinimized = () => false;
    isDestroyed = () => false;
    restore = () => undefined;
    show = () => undefined;
    focus = () => {
      this.focusCount += 1;
    };
  }

  class StubNotification {
    static isSupported = () => false;

    constructor(notification: unknown) {
      record.notifications.push(notification);
    }

    show = () => undefined;
  }

  const app = Object.assign(new EventEmitter(), {
    requestSingleInstanceLock: () => {
      calls.push('app.requestSingleInstanceLock');
      return options.singleInstanceLock ?? true;
    },
    quit: () => {
      calls.push('app.quit');
    },
    exit: (code = 0) => {
      calls.push('app.exit');
      record.exitCodes.push(code);
    },
    whenReady: () => {
      calls.push('app.whenReady');
      return new Promise<void>((resolveReady) =>
        setImmediate(() => {
          calls.push('app.ready');
          resolveReady();
        }),
      );
    },
    getPath: (name: string) => {
      if (name !== 'userData') {
        throw new ElectronStubError(`the stub has no path ${name}`);
      }
      return options.userData;
    },
    getVersion: () => '0.0.0-stub',
  });

  const electron = {
    app,
    BrowserWindow: StubBrowserWindow,
    Notification: StubNotification,
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        calls.push('protocol.registerSchemesAsPrivileged');
        record.privilegedSchemes.push(...schemes);
      },
      handle: (scheme: string, handler: StubProtocolHandler) => {
        calls.push('protocol.handle');
        record.protocolHandlers.set(scheme, handler);
      },
    },
    ipcMain: {
      handle: (channel: string, handler: StubIpcHandler) => {
        record.ipcHandlers.set(channel, handler);
      },
      // electron-store listens here for its renderer-side helper.
      on: (channel: string, listener: unknown) => {
        record.ipcListeners.set(channel, listener);
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (
          handler: StubPermissionRequestHandler,
        ) => {
          record.permissionRequestHandler = handler;
        },
        setPermissionCheckHandler: (handler: StubPermissionCheckHandler) => {
          record.permissionCheckHandler = handler;
        },
      },
    },
    dialog: {
      showErrorBox: (title: string, content: string) => {
        record.errorBoxes.push({ title, content });
      },
    },
    shell: {
      openExternal: (url: string) => {
        record.openedExternally.push(url);
        return Promise.resolve();
      },
    },
    clipboard: {
      writeText: (text: string) => {
        record.copiedTexts.push(text);
      },
    },
    powerMonitor: new EventEmitter(),
    safeStorage: stubSafeStorage,
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        record.exposedInMainWorld.set(key, api);
      },
    },
    ipcRenderer: Object.assign(new EventEmitter(), {
      invoke: (channel: string, payload: unknown) => {
        record.rendererInvokes.push([channel, payload]);
        return Promise.resolve({ ok: true, value: null });
      },
    }),
  };

  return Object.assign(record, { electron });
}

/** One stub `electron` module with everything it recorded. */
export type ElectronStub = ReturnType<typeof createElectronStub>;

/**
 * The modules a sandboxed preload may require besides `electron`
 * (https://www.electronjs.org/docs/latest/tutorial/sandbox#preload-scripts).
 */
const SANDBOX_PRELOAD_MODULES = new Set(['events', 'timers', 'url']);

/** How `loadBundle` runs a CommonJS file. */
export interface LoadBundleOptions {
  /** Only what Electron gives a sandboxed preload may be required. */
  sandboxed?: boolean;
}

/**
 * Runs a CommonJS bundle as Node's loader would, except that
 * `require('electron')` returns the stub. Returns the ids it required.
 */
export async function loadBundle(
  file: string,
  stub: ElectronStub,
  options: LoadBundleOptions = {},
): Promise<string[]> {
  const required: string[] = [];
  const nodeRequire = createRequire(file);
  const stubRequire = (id: string): unknown => {
    required.push(id);
    if (id === 'electron') return stub.electron;
    if (options.sandboxed && !SANDBOX_PRELOAD_MODULES.has(id)) {
      throw new ElectronStubError(`a sandboxed preload cannot require ${id}`);
    }
    return nodeRequire(id);
  };

  const module = { exports: {} };
  const params = ['exports', 'require', 'module', '__filename', '__dirname'];
  const run = compileFunction(await readFile(file, 'utf8'), params, {
    filename: file,
  });
  run(module.exports, stubRequire, module, file, resolve(file, '..'));
  return required;
}

/** Where `buildShellBundles` wrote the bundles. */
export interface ShellBundles {
  main: string;
  preload: string;
}

/**
 * Runs the project's own `scripts/build-main.ts` with `outDir` as its
 * working folder, so the bundles land in `<outDir>/dist/main` and the
 * shared `dist/` is not touched. `electron/` is linked in; esbuild
 * follows the link, so imports resolve from the real tree.
 */
export async function buildShellBundles(outDir: string): Promise<ShellBundles> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  await symlink(join(root, 'electron'), join(outDir, 'electron'), 'dir');

  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const script = join(root, 'scripts', 'build-main.ts');
  const child = spawn(tsx, [script], { cwd: outDir, stdio: 'pipe' });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += String(chunk)));
  child.stdout.resume();

  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0)
    throw new ElectronStubError(`build-main failed (${code}): ${output}`);

  const mainDir = join(outDir, 'dist', 'main');
  return {
    main: join(mainDir, 'main.cjs'),
    preload: join(mainDir, 'preload.cjs'),
  };
}
