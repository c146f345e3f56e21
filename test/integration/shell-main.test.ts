import {
  access,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import {
  INVOKE_CHANNELS,
  type IpcResult,
  type SettingsView,
} from '../../electron/ipc/contract';
import {
  buildShellBundles,
  createElectronStub,
  type ElectronStub,
  loadBundle,
  type ShellBundles,
  type StubIpcEvent,
} from '../support/electron-stub';

// The composition root, bundled by the project's own build script and run
// under the Electron stub; everything behind the shell is the real code.

const INDEX_HTML = '<!doctype html><title>Instalink (test page)</title>';
const OUTSIDE_TEXT = '{"note":"a file next to the renderer folder"}';
const APP_SECRET = '0123456789abcdef0123456789abcdef';
const APP_FRAME: StubIpcEvent = {
  senderFrame: { url: 'app://instalink/index.html' },
};
const FOREIGN_FRAME: StubIpcEvent = {
  senderFrame: { url: 'https://evil.test/' },
};
const CHANNELS = Object.values(INVOKE_CHANNELS);

let workDir: string;
let bundles: ShellBundles;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'instalink-shell-'));
  bundles = await buildShellBundles(workDir);

  // main.ts serves `<bundle dir>/../renderer`; a one-page renderer is
  // enough to see what the protocol handler serves and refuses.
  const distDir = dirname(dirname(bundles.main));
  await mkdir(join(distDir, 'renderer'));
  await writeFile(join(distDir, 'renderer', 'index.html'), INDEX_HTML);
  await writeFile(join(distDir, 'outside.json'), OUTSIDE_TEXT);
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** A free port on 127.0.0.1 for the connect flow's loopback server. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };

  await new Promise((done) => server.close(done));
  return port;
}

/** Loads main.cjs under a fresh stub; resolves once start() has run. */
async function startMain(userData: string): Promise<ElectronStub> {
  await mkdir(userData);
  const stub = createElectronStub({ userData });
  await loadBundle(bundles.main, stub);

  // start() registers `before-quit` as one of its last steps.
  await vi.waitFor(
    () => expect(stub.electron.app.listenerCount('before-quit')).toBe(1),
    { timeout: 20_000, interval: 20 },
  );
  return stub;
}

function mainWindow(stub: ElectronStub) {
  const [window] = stub.windows;
  if (!window) throw new Error('main.ts opened no window');
  return window;
}

/** Emits `will-navigate`; true when a listener prevented it. */
function navigationPrevented(stub: ElectronStub, url: string): boolean {
  const event = {
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };

  mainWindow(stub).webContents.emit('will-navigate', event, url);
  return event.defaultPrevented;
}

function openWindow(stub: ElectronStub, url: string): { action: string } {
  const handler = mainWindow(stub).webContents.windowOpenHandler;
  if (!handler) throw new Error('no window open handler was set');
  return handler({ url });
}

function fetchApp(stub: ElectronStub, url: string): Promise<Response> {
  const handler = stub.protocolHandlers.get('app');
  if (!handler) throw new Error('no handler for app:// was registered');
  return handler(new Request(url));
}

async function invoke<T = unknown>(
  stub: ElectronStub,
  channel: string,
  event: StubIpcEvent,
  payload: unknown = {},
): Promise<IpcResult<T>> {
  const handler = stub.ipcHandlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  return (await handler(event, payload)) as IpcResult<T>;
}

describe('main.cjs under the Electron stub', () => {
  let stub: ElectronStub;
  let userData: string;

  beforeAll(async () => {
    userData = join(workDir, 'user-data');
    stub = await startMain(userData);
  });

  afterAll(() => {
    // Stops the refresh timer, the HTTP clients and the sandbox.
    stub.electron.app.emit('before-quit');
  });

  it('requests the single-instance lock', () => {
    expect(stub.calls).toContain('app.requestSingleInstanceLock');
  });

  it('focuses its window when a second instance starts', () => {
    stub.electron.app.emit('second-instance');

    expect(mainWindow(stub).focusCount).toBe(1);
  });

  it('registers app:// as a standard, secure scheme before ready', () => {
    const registeredAt = stub.calls.indexOf(
      'protocol.registerSchemesAsPrivileged',
    );

    expect(stub.privilegedSchemes).toEqual([
      {
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      },
    ]);
    expect(registeredAt).toBeGreaterThanOrEqual(0);
    expect(registeredAt).toBeLessThan(stub.calls.indexOf('app.ready'));
  });

  it('opens one window isolated from Node, sandboxed, web security on', () => {
    expect(stub.windows).toHaveLength(1);
    expect(mainWindow(stub).options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
  });

  it('gives the window the bundled preload next to main.cjs', async () => {
    const { preload } = mainWindow(stub).options.webPreferences as {
      preload: string;
    };

    expect(preload).toBe(join(dirname(bundles.main), 'preload.cjs'));
    await expect(access(preload)).resolves.toBeUndefined();
  });

  it('loads the renderer from app://instalink/index.html', () => {
    expect(mainWindow(stub).loadedUrls).toEqual(['app://instalink/index.html']);
  });

  it('opens an Instagram link in the system browser, not a window', () => {
    const url = 'https://www.instagram.com/accounts/manage_access/';

    expect(openWindow(stub, url)).toEqual({ action: 'deny' });
    expect(stub.openedExternally).toContain(url);
  });

  it.each(['https://evil.test/', 'http://www.instagram.com/', 'file:///x'])(
    'denies a window for %s and does not open it',
    (url) => {
      expect(openWindow(stub, url)).toEqual({ action: 'deny' });
      expect(stub.openedExternally).not.toContain(url);
    },
  );

  it.each([
    'https://evil.test/',
    'app://instalink.evil.test/index.html',
    'file:///etc/passwd',
  ])('prevents navigation to %s', (url) => {
    expect(navigationPrevented(stub, url)).toBe(true);
  });

  it('lets the window navigate inside app://instalink/', () => {
    expect(navigationPrevented(stub, 'app://instalink/index.html')).toBe(false);
  });

  it('refuses every permission request', () => {
    const answers: boolean[] = [];

    for (const permission of ['notifications', 'media', 'geolocation']) {
      stub.permissionRequestHandler?.({}, permission, (granted) =>
        answers.push(granted),
      );
    }

    expect(answers).toEqual([false, false, false]);
  });

  it('answers every permission check with no', () => {
    const check = stub.permissionCheckHandler;

    expect(check?.({}, 'notifications')).toBe(false);
    expect(check?.({}, 'clipboard-read')).toBe(false);
  });

  it('serves index.html with a CSP that starts from nothing', async () => {
    const response = await fetchApp(stub, 'app://instalink/index.html');

    expect(response.status).toBe(200);
    expect(await response.text()).toBe(INDEX_HTML);
    expect(response.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'/,
    );
  });

  it.each([
    'app://instalink/../x',
    'app://instalink/..%2Foutside.json',
    'app://elsewhere/index.html',
  ])('refuses %s', async (url) => {
    const response = await fetchApp(stub, url);

    expect([403, 404]).toContain(response.status);
    expect(await response.text()).toBe('');
  });

  it('answers 404 for a file the renderer does not have', async () => {
    const response = await fetchApp(stub, 'app://instalink/missing.js');

    expect(response.status).toBe(404);
  });

  it('registers every contract channel with ipcMain.handle, no other', () => {
    expect([...stub.ipcHandlers.keys()].sort()).toEqual([...CHANNELS].sort());
  });

  it.each(CHANNELS)('refuses %s from a foreign frame', async (channel) => {
    const result = await invoke(stub, channel, FOREIGN_FRAME);

    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'forbidden' }),
    });
  });

  it('refuses a call whose frame is gone', async () => {
    const result = await invoke(stub, 'settings:get', { senderFrame: null });

    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('copies text through Electron’s clipboard', async () => {
    const text = 'http://127.0.0.1:53682/callback';
    const result = await invoke(stub, 'clipboard:copy-text', APP_FRAME, {
      text,
    });

    expect(result).toEqual({ ok: true, value: null });
    expect(stub.copiedTexts).toEqual([text]);
  });

  it('creates the store file in userData with mode 0600', async () => {
    const { mode } = await stat(join(userData, 'instalink.json'));

    expect(mode & 0o777).toBe(0o600);
  });

  it('writes its log file in userData', async () => {
    const log = await stat(join(userData, 'instalink.log'));

    expect(log.isFile()).toBe(true);
  });

  it('listens for the computer resuming from sleep', () => {
    expect(stub.electron.powerMonitor.listenerCount('resume')).toBe(1);
  });

  describe('with an App Secret saved from the app’s frame', () => {
    beforeAll(async () => {
      const saved = await invoke(stub, 'settings:save', APP_FRAME, {
        appSecret: APP_SECRET,
      });
      expect(saved.ok).toBe(true);
    });

    it('answers settings:get with "secret set" and not the secret', async () => {
      const result = await invoke<SettingsView>(
        stub,
        'settings:get',
        APP_FRAME,
      );

      expect(result).toMatchObject({ ok: true, value: { appSecretSet: true } });
      expect(JSON.stringify(result)).not.toContain(APP_SECRET);
    });

    it('reports safeStorage’s keyring as the secret backend', async () => {
      const result = await invoke<SettingsView>(
        stub,
        'settings:get',
        APP_FRAME,
      );

      expect(result).toMatchObject({
        ok: true,
        value: { secretBackend: 'gnome_libsecret', weakSecretStorage: false },
      });
    });

    it('keeps the secret sealed by safeStorage in the store file', async () => {
      const text = await readFile(join(userData, 'instalink.json'), 'utf8');

      expect(text).toContain('appSecret');
      expect(text).not.toContain(APP_SECRET);
    });

    it('keeps the secret out of the log file', async () => {
      const text = await readFile(join(userData, 'instalink.log'), 'utf8');

      expect(text).not.toContain(APP_SECRET);
    });
  });

  describe('when Connect is pressed with the sandbox as provider', () => {
    let outcome: IpcResult<{ kind: string }>;
    const loopbackPages = () =>
      stub.openedExternally.filter((url) => url.startsWith('http://127.'));

    beforeAll(async () => {
      const port = await freePort();
      await invoke(stub, 'settings:save', APP_FRAME, { port });

      const started = invoke<{ kind: string }>(
        stub,
        'connect:start',
        APP_FRAME,
      );
      await vi.waitFor(() => expect(loopbackPages()).toHaveLength(1), {
        timeout: 10_000,
        interval: 20,
      });
      await invoke(stub, 'connect:cancel', APP_FRAME);
      outcome = await started;
    });

    it('opens the sandbox’s authorize page in the system browser', () => {
      const opened = loopbackPages();

      expect(opened).toHaveLength(1);
      expect(opened[0]).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?/,
      );
    });

    it('ends the flow as cancelled when the app cancels it', () => {
      expect(outcome).toMatchObject({ ok: true, value: { kind: 'cancelled' } });
    });

    it('pushes the flow’s progress to the window', () => {
      const channels = mainWindow(stub).webContents.sent.map(([name]) => name);

      expect(channels).toContain('connect:progress-changed');
    });
  });
});

describe('main.cjs started while another instance runs', () => {
  let stub: ElectronStub;
  let userData: string;

  beforeAll(async () => {
    userData = join(workDir, 'second-user-data');
    stub = createElectronStub({ userData, singleInstanceLock: false });
    await loadBundle(bundles.main, stub);
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('quits', () => {
    expect(stub.calls).toContain('app.quit');
  });

  it('waits for no ready event and opens no window', () => {
    expect(stub.calls).not.toContain('app.whenReady');
    expect(stub.windows).toHaveLength(0);
  });

  it('touches no data folder', async () => {
    await expect(access(userData)).rejects.toThrow(/ENOENT/);
  });
});

describe('main.cjs whose data folder cannot be written', () => {
  let stub: ElectronStub;

  beforeAll(async () => {
    // A file where the folder should be: nothing can be created in it.
    const userData = join(workDir, 'data-folder-is-a-file');
    await writeFile(userData, '');

    stub = createElectronStub({ userData });
    await loadBundle(bundles.main, stub);
    await vi.waitFor(() => expect(stub.calls).toContain('app.exit'), {
      timeout: 20_000,
      interval: 20,
    });
  });

  it('says it could not start', () => {
    expect(stub.errorBoxes).toEqual([
      { title: 'Instalink could not start', content: expect.any(String) },
    ]);
  });

  it('exits with a failure code and no window', () => {
    expect(stub.exitCodes).toEqual([1]);
    expect(stub.windows).toHaveLength(0);
  });
});
