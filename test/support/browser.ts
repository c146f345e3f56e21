import { existsSync } from 'node:fs';

import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, installed by `.ci/run` on the build machines. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * Flags for a headless Chromium on a closed network: without the
 * background-networking ones it keeps trying to reach Google's hosts.
 */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Launches the browser that plays the user's system browser: Debian's
 * Chromium where present, else Playwright's own (a developer's laptop).
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = existsSync(DEBIAN_CHROMIUM)
    ? DEBIAN_CHROMIUM
    : undefined;

  return chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
}
