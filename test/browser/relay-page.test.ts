import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

import { type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { outcomePage } from '../../electron/auth/callback-page';
import { type CallbackParams } from '../../electron/auth/callback-params';
import {
  type LoopbackServer,
  startLoopbackServer,
} from '../../electron/auth/loopback-server';
import { silentLogger } from '../../electron/core/logger';
import { launchBrowser } from '../support/browser';
import { freePort } from '../support/instalink-harness';

// The relay page in build/relay is what a developer hosts over HTTPS; here
// it is served over loopback HTTP, which changes nothing in its logic.

const RELAY_DIR = join('build', 'relay');
const STATE = 'relay-state-0123456789';

let browser: Browser;
let relay: Server | undefined;
let loopback: LoopbackServer | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close();
});

afterEach(async () => {
  relay?.close();
  await loopback?.close();
  relay = loopback = undefined;
});

/** Serves build/relay with its port meta tag set to `port`. */
async function serveRelay(port: string): Promise<string> {
  const files: Record<string, [string, string]> = {
    '/index.html': [
      'text/html',
      (await readFile(join(RELAY_DIR, 'index.html'), 'utf8')).replace(
        /(name="instalink-port"\s+content=")\d+/,
        `$1${port}`,
      ),
    ],
    '/relay.js': [
      'text/javascript',
      await readFile(join(RELAY_DIR, 'relay.js'), 'utf8'),
    ],
    '/relay.css': [
      'text/css',
      await readFile(join(RELAY_DIR, 'relay.css'), 'utf8'),
    ],
  };
  relay = createServer((request, response) => {
    const file = files[new URL(request.url!, 'http://x').pathname];
    response.writeHead(file ? 200 : 404, { 'Content-Type': file?.[0] ?? '' });
    response.end(file?.[1]);
  });
  await new Promise<void>((resolve) => relay!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(relay.address() as { port: number }).port}`;
}

/** A real loopback server that records the callback it receives. */
async function listenForCallback(port: number) {
  const received: CallbackParams[] = [];
  loopback = await startLoopbackServer({
    port,
    expectedState: STATE,
    onCallback: async (params) => {
      received.push(params);
      return outcomePage(true, 'Relayed.');
    },
    logger: silentLogger,
  });
  return received;
}

async function openRelay(url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  return page;
}

describe('the relay page', () => {
  it('forwards the OAuth result, and nothing else, to 127.0.0.1', async () => {
    const port = await freePort();
    const received = await listenForCallback(port);
    const base = await serveRelay(String(port));

    const page = await openRelay(
      `${base}/index.html?code=C1&state=${STATE}` +
        '&next=https%3A%2F%2Fevil.test&redirect_uri=https%3A%2F%2Fevil.test',
    );
    await page.waitForURL(`http://127.0.0.1:${port}/callback?**`);

    expect(page.url()).toBe(
      `http://127.0.0.1:${port}/callback?code=C1&state=${STATE}`,
    );
    expect(received).toEqual([expect.objectContaining({ code: 'C1' })]);
    await page.close();
  });

  it('forwards a refusal with its reason', async () => {
    const port = await freePort();
    const received = await listenForCallback(port);
    const base = await serveRelay(String(port));

    const page = await openRelay(
      `${base}/index.html?error=access_denied&error_reason=user_denied` +
        `&state=${STATE}`,
    );
    await page.waitForURL(`http://127.0.0.1:${port}/callback?**`);

    expect(received[0]).toMatchObject({
      error: 'access_denied',
      errorReason: 'user_denied',
    });
    await page.close();
  });

  it('stays put when opened without a sign-in result', async () => {
    const base = await serveRelay('53682');

    const page = await openRelay(`${base}/index.html?next=https://evil.test`);

    await expect
      .poll(() => page.textContent('#status'))
      .toContain('without a sign-in result');
    expect(page.url()).toContain(base);
    await page.close();
  });

  it('stays put when its port is not a valid one', async () => {
    const base = await serveRelay('80');

    const page = await openRelay(`${base}/index.html?code=C1&state=S`);

    await expect
      .poll(() => page.textContent('#status'))
      .toContain('no valid port');
    expect(page.url()).toContain(base);
    await page.close();
  });
});
