/**
 * The `describe`-level fixture of the renderer's browser tests: one
 * Chromium for the file, one app window (a `RendererHarness`) per test,
 * closed after it, and the steps most tests start with.
 *
 *     const open = rendererSuite();
 *
 *     it('shows the linked account', async () => {
 *       const app = await open();
 *       await linkShop(app);
 *       ...
 *     });
 */
import { type Browser, type Locator } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

import { launchBrowser } from './browser';
import {
  type RendererHarness,
  type RendererHarnessOptions,
  startRendererHarness,
} from './renderer-harness';

/** The sandbox account the consent page offers first. */
export const SANDBOX_SHOP = {
  userId: '17841400000000001',
  username: 'sandbox_shop',
};

/** Opens the test's app window; the suite closes it after the test. */
export type OpenRenderer = (
  options?: RendererHarnessOptions,
) => Promise<RendererHarness>;

/**
 * Registers the hooks of a renderer suite (call it at the top of a test
 * file or `describe`) and returns the function that opens a window.
 */
export function rendererSuite(): OpenRenderer {
  let browser: Browser;
  let harness: RendererHarness | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser.close();
  });

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  return async (options = {}) => {
    harness = await startRendererHarness(browser, options);
    return harness;
  };
}

/** Waits until the locator is shown; throws (failing the test) if never. */
export async function shown(locator: Locator): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout: 10_000 });
}

/** Presses Connect, then Allow or Deny on the sandbox's consent page. */
export async function connectThroughSandbox(
  app: RendererHarness,
  decision: 'Allow' | 'Deny',
): Promise<void> {
  await app.page.getByRole('button', { name: 'Connect Instagram' }).click();

  const consentPage = await app.nextBrowserPage();
  await consentPage.getByRole('button', { name: decision }).click();
}

/** Links the sandbox's shop account and waits until its card is shown. */
export async function linkShop(app: RendererHarness): Promise<void> {
  await connectThroughSandbox(app, 'Allow');
  await shown(
    app.page.getByRole('heading', { name: `@${SANDBOX_SHOP.username}` }),
  );
}
