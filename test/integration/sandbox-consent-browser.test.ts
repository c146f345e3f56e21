import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type Browser, type Page } from 'playwright-core';
import { request } from 'undici';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
} from 'vitest';

import { type Sandbox, startSandbox } from '../../electron/sandbox/server';
import { launchBrowser } from '../support/browser';
import {
  authorizeUrlOf,
  exchangeCode,
  SANDBOX_TEST_START,
} from '../support/sandbox-http';

let browser: Browser;
let sandbox: Sandbox;
let callbackServers: Server[];
let callbacks: string[];
let redirectUri: string;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close();
});

beforeEach(async () => {
  callbacks = [];
  callbackServers = [];
  sandbox = await startSandbox({ clock: { now: () => SANDBOX_TEST_START } });
  redirectUri = await startCallbackServer('127.0.0.1');
});

afterEach(async () => {
  await sandbox.close();
  await Promise.all(callbackServers.map(stopServer));
});

/** A stand-in for the app's loopback server; returns its redirect URI. */
async function startCallbackServer(host: string): Promise<string> {
  const server = createServer((req, res) => {
    callbacks.push(req.url ?? '');
    res.end('done');
  });

  callbackServers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));

  const { port } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/callback`;
}

function stopServer(server: Server): Promise<unknown> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
}

function authorizeUrl(state: string): string {
  return authorizeUrlOf(sandbox, {
    redirect_uri: redirectUri,
    scope: 'instagram_business_basic,instagram_business_manage_insights',
    state,
  });
}

/** Opens the consent page in Chromium, noting every policy violation. */
async function openConsent(state: string) {
  const page: Page = await browser.newPage();
  const violations: string[] = [];

  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) {
      violations.push(message.text());
    }
  });
  await page.goto(authorizeUrl(state));
  return { page, violations };
}

describe('the consent page in Chromium', () => {
  it('follows Allow through its policy to the loopback callback', async () => {
    const { page, violations } = await openConsent('browser-state');

    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/\/callback\?/);

    const callback = new URL(callbacks[0] ?? '', redirectUri);
    expect(callback.searchParams.get('state')).toBe('browser-state');
    expect(callback.searchParams.get('code')).toMatch(/^AQ/);
    expect(page.url().endsWith('#_')).toBe(true);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('follows Deny to the callback with the refusal', async () => {
    const { page } = await openConsent('browser-state');

    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL(/\/callback\?/);

    expect(callbacks[0]).toContain('error=access_denied');
    await page.close();
  });

  it('grants only the scopes the tester left ticked', async () => {
    const { page } = await openConsent('browser-state');

    await page.getByRole('checkbox', { name: /See your profile/ }).uncheck();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/\/callback\?/);
    await page.close();

    // Without instagram_business_basic, /me answers Graph error 10.
    const code = new URL(callbacks[0] ?? '', redirectUri).searchParams.get(
      'code',
    );
    const token = await exchangeCode(sandbox, code ?? '', redirectUri);
    const me = await request(
      `${sandbox.baseUrl}/v23.0/me?access_token=${token}`,
    );

    expect(await me.body.text()).toContain('"code":10');
  });

  it('follows Allow to an IPv6 loopback redirect URI', async () => {
    redirectUri = await startCallbackServer('::1');
    const { page, violations } = await openConsent('browser-state');

    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(/\/callback\?/);
    await page.close();

    expect(callbacks[0]).toMatch(/^\/callback\?code=AQ/);
    expect(violations).toEqual([]);
  });

  it('renders a hostile state as text, running nothing', async () => {
    const state = '"><script>document.title="owned"</script>';
    const { page } = await openConsent(state);

    expect(await page.title()).toBe('Instagram sandbox: allow access?');
    expect(await page.getByText(state).count()).toBe(1);
    await page.close();
  });
});
