/**
 * Runs the BUILT renderer in Chromium against Instalink's real services,
 * the way Electron would: `window.instalink` goes through the real IPC
 * handlers (sender check included, with the page's own frame URL), and
 * the services' events come back through the real event forwarder. A
 * second browser context plays the system browser the app opens.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';

import { type Browser, type BrowserContext, type Page } from 'playwright-core';

import { silentLogger } from '../../electron/core/logger';
import {
  createServices,
  type MainServices,
  type ServicesOptions,
} from '../../electron/core/services';
import { isInvokeChannel } from '../../electron/ipc/contract';
import { forwardServiceEvents } from '../../electron/ipc/events';
import {
  createIpcHandlers,
  createTrustedSenderCheck,
} from '../../electron/ipc/handlers';
import { CONTENT_TYPES } from '../../electron/security/app-protocol';
import { freePort } from './instalink-harness';
import { createTestCipher } from './test-cipher';

/** Where `npx vite build --config renderer/vite.config.ts` writes. */
export const RENDERER_DIST = resolve('dist/renderer');

/**
 * Where screenshots go. The README's copies in docs/screenshots are
 * refreshed only with UPDATE_SCREENSHOTS=1, so a test run leaves the
 * tracked files alone (they show a temp path and a live countdown).
 */
export const RESULTS_DIR = resolve('test-results');
const DOCS_SCREENSHOTS = resolve('docs/screenshots');

// Runs in the page before its scripts, as the preload's contextBridge
// would: `invoke` goes to the exposed binding, events arrive through
// `__instalinkEmit`. A string, so no transpiler helper leaks into it.
const BRIDGE_SCRIPT = `(() => {
  const listeners = new Map();
  const bridge = Object.freeze({
    invoke: (channel, payload) => window.__instalinkInvoke(channel, payload),
    on: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  });
  Object.defineProperty(window, 'instalink', { value: bridge });
  Object.defineProperty(window, '__instalinkEmit', {
    value: (event, payload) =>
      listeners.get(event)?.forEach((listener) => listener(payload)),
  });
})();`;

/** One app window over fresh services, and the browser it opens. */
export interface RendererHarness {
  /** The app's window, showing the built renderer. */
  page: Page;
  services: MainServices;
  dataDir: string;
  /** The store file's text, or undefined when none was written. */
  storeText(): Promise<string | undefined>;
  /** Resolves with the next page the app opens in the "system browser". */
  nextBrowserPage(): Promise<Page>;
  /** Saves test-results/<name>.png, and docs/screenshots/<name>.png too. */
  screenshot(name: string, options?: { docs?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** Options of `startRendererHarness`. */
export interface RendererHarnessOptions {
  colorScheme?: 'light' | 'dark';
  /** Anything of `createServices`: a weak cipher, a clock. */
  services?: Partial<ServicesOptions>;
  /** Runs on the empty data folder before the services open it. */
  prepareDataDir?: (dataDir: string) => Promise<void>;
}

/** Serves the built renderer and opens it over fresh real services. */
export async function startRendererHarness(
  browser: Browser,
  options: RendererHarnessOptions = {},
): Promise<RendererHarness> {
  assertRendererBuilt();
  const server = await serveStatic(RENDERER_DIST);
  const appOrigin = `http://127.0.0.1:${portOf(server)}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'instalink-renderer-'));
  const systemBrowser = await browser.newContext();
  const opened = openedPages();
  await options.prepareDataDir?.(dataDir);

  const services = await createServices({
    dataDir,
    cipher: createTestCipher(),
    logger: silentLogger,
    scheduleRefresh: false,
    ...options.services,
    openBrowser: async (url) => opened.add(await openIn(systemBrowser, url)),
  });
  services.saveSettings({ port: await freePort() });

  const app = await browser.newContext({ colorScheme: options.colorScheme });
  const page = await app.newPage();
  const stopEvents = await wireBridge(page, services, appOrigin);
  await page.goto(`${appOrigin}/index.html`);

  return {
    page,
    services,
    dataDir,
    storeText: () =>
      readFile(join(dataDir, 'instalink.json'), 'utf8').catch(() => undefined),
    nextBrowserPage: opened.next,
    screenshot: (name, shotOptions) => screenshot(page, name, shotOptions),
    close: async () => {
      stopEvents();
      await app.close();
      await systemBrowser.close();
      await services.close();
      await closeServer(server);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function assertRendererBuilt(): void {
  if (!existsSync(join(RENDERER_DIST, 'index.html'))) {
    throw new Error(
      'dist/renderer is missing: run `npx vite build --config ' +
        'renderer/vite.config.ts` (npm test does) before the browser tests.',
    );
  }
}

async function wireBridge(
  page: Page,
  services: MainServices,
  appOrigin: string,
): Promise<() => void> {
  const handlers = createIpcHandlers({
    services,
    isTrustedSender: createTrustedSenderCheck(appOrigin),
    copyText: () => undefined,
    logger: silentLogger,
  });

  await page.exposeBinding(
    '__instalinkInvoke',
    (source, channel: unknown, payload: unknown) =>
      isInvokeChannel(channel)
        ? handlers[channel](source.frame.url(), payload)
        : { ok: false, error: { code: 'unknown-channel', message: '' } },
  );
  await page.addInitScript(BRIDGE_SCRIPT);

  return forwardServiceEvents(
    services,
    (event, payload) => {
      const call = `window.__instalinkEmit(${JSON.stringify(event)}, ${JSON.stringify(payload)})`;
      // A page that is closing may miss an event; the test is over then.
      page.evaluate(call).catch(() => undefined);
    },
    silentLogger,
  );
}

async function openIn(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);

  return page;
}

function openedPages() {
  const ready: Page[] = [];
  const waiting: ((page: Page) => void)[] = [];

  return {
    add: (page: Page) => {
      const waiter = waiting.shift();
      if (waiter) waiter(page);
      else ready.push(page);
    },
    next: () =>
      new Promise<Page>((resolvePage) => {
        const page = ready.shift();
        if (page) resolvePage(page);
        else waiting.push(resolvePage);
      }),
  };
}

async function screenshot(
  page: Page,
  name: string,
  options: { docs?: boolean } = {},
): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });

  if (options.docs && process.env.UPDATE_SCREENSHOTS === '1') {
    await mkdir(DOCS_SCREENSHOTS, { recursive: true });
    await copyFile(path, join(DOCS_SCREENSHOTS, `${name}.png`));
  }
}

async function serveStatic(root: string): Promise<Server> {
  const server = createServer((req, res) => {
    const file = fileFor(root, req.url ?? '/');
    readFile(file ?? '')
      .then((body) => {
        // The app protocol's own table: the page gets the types it gets
        // in Electron.
        res.writeHead(200, {
          'content-type': CONTENT_TYPES[extname(file ?? '')] ?? 'text/plain',
        });
        res.end(body);
      })
      .catch(() => {
        res.writeHead(404).end();
      });
  });

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

// Only files under the build folder; `..` and absolute tricks get none.
function fileFor(root: string, url: string): string | undefined {
  try {
    const { pathname } = new URL(url, 'http://127.0.0.1');
    const relative = decodeURIComponent(pathname);
    const file = normalize(
      join(root, relative === '/' ? 'index.html' : relative),
    );

    return file.startsWith(root + sep) ? file : undefined;
  } catch {
    return undefined;
  }
}

function portOf(server: Server): number {
  return (server.address() as { port: number }).port;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
}
