import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser } from '../support/browser';
import {
  type Harness,
  type HarnessOptions,
  startHarness,
} from '../support/instalink-harness';

// Chromium plays the user's system browser: the app "opens" the authorize
// page in it, the test clicks on the sandbox's consent page, and the
// redirect travels to the real loopback server as it would on a desktop.

let browser: Browser;
let context: BrowserContext | undefined;
let harness: Harness | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close();
});

afterEach(async () => {
  await context?.close();
  await harness?.close();
  context = harness = undefined;
});

/** Starts Instalink whose browser opener opens a Chromium tab. */
async function startWithBrowser(options: HarnessOptions = {}) {
  const tabs: Page[] = [];
  let tabOpened: (page: Page) => void = () => undefined;
  context = await browser.newContext();
  harness = await startHarness({
    ...options,
    openBrowser: async (url) => {
      const page = await context!.newPage();
      await page.goto(url);
      tabs.push(page);
      tabOpened(page);
    },
  });

  const connect = async () => {
    const opened = new Promise<Page>((resolve) => (tabOpened = resolve));
    const outcome = harness!.services.startConnect();
    return { outcome, tab: await opened };
  };
  return { harness, connect, tabs };
}

describe('the connect flow in a real browser', () => {
  it('links the account on Allow, token encrypted and id exact', async () => {
    const { harness, connect } = await startWithBrowser();
    const { outcome, tab } = await connect();

    await tab.getByRole('button', { name: 'Allow' }).click();

    expect((await outcome).kind).toBe('linked');
    await expect.poll(() => tab.textContent('h1')).toBe('Account linked');
    const store = JSON.parse((await harness.storeText())!);
    const account = store.accounts['17841400000000001'];
    expect(account.username).toBe('sandbox_shop');
    expect(JSON.stringify(store)).not.toMatch(/IG(AA|QV)[A-Za-z0-9]/);
  });

  it('ends as refused on Deny and leaves the store file as it was', async () => {
    const { harness, connect } = await startWithBrowser();
    const before = await harness.storeText();
    const { outcome, tab } = await connect();

    await tab.getByRole('button', { name: 'Deny' }).click();

    expect((await outcome).kind).toBe('refused');
    await expect.poll(() => tab.textContent('h1')).toBe('Not linked');
    expect(await harness.storeText()).toBe(before);
  });

  it('ends with a time-out when the token endpoint stalls', async () => {
    const { harness, connect } = await startWithBrowser({
      httpTimeouts: { headersMs: 700, bodyMs: 700 },
    });
    harness.services.sandbox()!.failNext('token', 'stall');
    const { outcome, tab } = await connect();

    await tab.getByRole('button', { name: 'Allow' }).click();

    expect((await outcome).kind).toBe('timed-out');
    expect(harness.services.listAccounts()).toEqual([]);
  });

  it('answers a favicon request before the callback without harm', async () => {
    const { harness, connect } = await startWithBrowser();
    const { outcome, tab } = await connect();
    const port = harness.services.getSettings().settings.port;

    const favicon = await tab.request.get(
      `http://127.0.0.1:${port}/favicon.ico`,
    );
    await tab.getByRole('button', { name: 'Allow' }).click();

    expect(favicon.status()).toBe(404);
    expect((await outcome).kind).toBe('linked');
  });
});
