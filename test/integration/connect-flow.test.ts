import { createServer, type Server } from 'node:net';

import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';

import { type FlowOutcome } from '../../electron/core/types';
import {
  type Harness,
  type HarnessOptions,
  startHarness,
} from '../support/instalink-harness';
import {
  createTestCipher,
  createUnreadableCipher,
} from '../support/test-cipher';

const FIRST_USER = '17841400000000001';

let harness: Harness | undefined;
let blocker: Server | undefined;

afterEach(async () => {
  await harness?.close();
  blocker?.close();
  harness = blocker = undefined;
});

async function start(options: HarnessOptions = {}): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}

/**
 * Starts Connect and waits until the browser would have been opened. The
 * outcome is wrapped: an async function would flatten a returned promise.
 */
async function connect(
  h: Harness,
  options = {},
): Promise<{ outcome: Promise<FlowOutcome> }> {
  const opened = h.nextOpened();
  const outcome = h.services.startConnect(options);

  await opened;
  return { outcome };
}

describe('connecting an account through the sandbox', () => {
  it('links the account with its exact id when the user allows', async () => {
    const h = await start();
    const { outcome } = await connect(h);

    const page = await h.consent();

    expect((await outcome).kind).toBe('linked');
    expect(page.body).toContain('is linked');
    expect(h.services.listAccounts().map((a) => a.userId)).toEqual([
      FIRST_USER,
    ]);
    expect(await h.storeText()).toContain(`"${FIRST_USER}"`);
  });

  it('reads token, id and permissions from the data-array shape', async () => {
    const h = await start({ sandboxTokenShape: 'data-array' });
    const { outcome } = await connect(h);

    await h.consent({ scopes: ['instagram_business_basic'] });

    const result = await outcome;
    expect(result.kind).toBe('linked');
    expect(result.account?.userId).toBe(FIRST_USER);
    expect(result.account?.scopes).toEqual(['instagram_business_basic']);
  });

  it('ends as refused and leaves the store unchanged on Deny', async () => {
    const h = await start();
    const before = await h.storeText();
    const { outcome } = await connect(h);

    await h.consent({ decision: 'deny' });

    expect((await outcome).kind).toBe('refused');
    expect(h.services.sandbox()!.stats).toMatchObject({ token: 0 });
    expect(await h.storeText()).toBe(before);
  });

  it('exchanges a callback delivered twice only once', async () => {
    const h = await start();
    const { outcome } = await connect(h);
    const sandbox = h.services.sandbox()!;
    const redirect = await sandbox.answerConsent(h.opened[0]!);

    const pages = await Promise.all([request(redirect), request(redirect)]);
    const bodies = await Promise.all(pages.map((p) => p.body.text()));

    expect((await outcome).kind).toBe('linked');
    expect(sandbox.stats.token).toBe(1);
    expect(bodies.join()).toContain('already completed');
  });

  it('links from a pasted final URL that ends in #_', async () => {
    const h = await start();
    const { outcome } = await connect(h);
    const redirect = await h.services.sandbox()!.answerConsent(h.opened[0]!);

    expect(redirect).toMatch(/#_$/);
    h.services.submitPastedRedirect(redirect);

    expect((await outcome).kind).toBe('linked');
  });

  it('refuses a pasted URL whose state belongs to another sign-in', async () => {
    const h = await start();
    await connect(h);
    const redirect = await h.services.sandbox()!.answerConsent(h.opened[0]!);
    const forged = redirect.replace(/state=[^&#]+/, 'state=forged');

    expect(() => h.services.submitPastedRedirect(forged)).toThrow(
      /another sign-in/,
    );
    expect(h.services.flowProgress().phase).toBe('waiting');
  });

  it('refuses a pasted URL that carries no state at all', async () => {
    const h = await start();
    await connect(h);
    const redirect = await h.services.sandbox()!.answerConsent(h.opened[0]!);
    const stripped = redirect.replace(/&?state=[^&#]+/, '');

    expect(() => h.services.submitPastedRedirect(stripped)).toThrow(
      /another sign-in/,
    );
    expect(() =>
      h.services.submitPastedRedirect('http://x/callback?error=access_denied'),
    ).toThrow(/another sign-in/);
    expect(h.services.flowProgress().phase).toBe('waiting');
  });

  it('keeps waiting when a word is pasted instead of a code', async () => {
    const h = await start();
    const { outcome } = await connect(h);

    expect(() => h.services.submitPastedRedirect('hello')).toThrow(
      /neither the address/,
    );
    expect(h.services.flowProgress().phase).toBe('waiting');
    await h.consent();
    expect((await outcome).kind).toBe('linked');
  });

  it('shows, authorizes and exchanges one identical relay URI', async () => {
    // Case trailing-slash: the registered URI ends in a slash; all three
    // places must carry it byte for byte. Nothing is sent to the relay
    // host: the consent answer's Location is pasted, not followed.
    const relayUrl = 'https://relay.example/instalink/callback/';
    const h = await start();
    h.services.saveSettings({ redirectMode: 'relay', relayUrl });
    const { outcome } = await connect(h);
    const authorize = new URL(h.opened[0]!);
    const redirect = await h.services.sandbox()!.answerConsent(h.opened[0]!);

    h.services.submitPastedRedirect(redirect);

    expect(h.services.getSettings().redirectUri).toBe(relayUrl);
    expect(authorize.searchParams.get('redirect_uri')).toBe(relayUrl);
    expect(redirect.startsWith(`${relayUrl}?`)).toBe(true);
    expect((await outcome).kind).toBe('linked');
  });

  it('updates an account in place when it is linked again', async () => {
    const h = await start();
    const { outcome: first } = await connect(h);
    await h.consent();
    const linkedAt = (await first).account!.linkedAt;

    const { outcome: second } = await connect(h, { forceReauth: true });
    expect(h.opened[1]).toContain('force_reauth=true');
    await h.consent();

    expect((await second).kind).toBe('linked');
    expect(h.services.listAccounts()).toHaveLength(1);
    expect(h.services.listAccounts()[0]!.linkedAt).toBe(linkedAt);
  });
});

describe('connect flows that end without an account', () => {
  it('stops at once, naming the port, when the port is taken', async () => {
    const h = await start();
    blocker = createServer();
    await new Promise<void>((resolve) =>
      blocker!.listen(0, '127.0.0.1', resolve),
    );
    const port = (blocker.address() as { port: number }).port;
    h.services.saveSettings({ port });

    const result = await h.services.startConnect();

    expect(result.kind).toBe('port-taken');
    expect(result.message).toContain(String(port));
    expect(h.opened).toEqual([]);
  });

  it('times out when nothing comes back from the browser', async () => {
    const h = await start({ flowTimeoutMs: 300 });

    const result = await h.services.startConnect();

    expect(result.kind).toBe('timed-out');
    expect(h.services.listAccounts()).toEqual([]);
  });

  it('ends as cancelled when the user presses Cancel', async () => {
    const h = await start();
    const { outcome } = await connect(h);

    h.services.cancelConnect();

    expect((await outcome).kind).toBe('cancelled');
  });

  it('cancels the first flow when Connect is pressed again', async () => {
    const h = await start();
    const { outcome: first } = await connect(h);
    const { outcome: second } = await connect(h);

    expect((await first).kind).toBe('cancelled');
    await h.consent();
    expect((await second).kind).toBe('linked');
  });

  it('times out within the client bound when the exchange stalls', async () => {
    const h = await start({ httpTimeouts: { headersMs: 500, bodyMs: 500 } });
    h.services.sandbox()!.failNext('token', 'stall');
    const { outcome } = await connect(h);

    await h.consent();

    const result = await outcome;
    expect(result.kind).toBe('timed-out');
    expect(result.message).toMatch(/did not answer/);
    expect(h.services.listAccounts()).toEqual([]);
  });

  it('reports a 502 HTML page as Instagram not answering properly', async () => {
    const h = await start();
    h.services.sandbox()!.failNext('token', 'html-502');
    const { outcome } = await connect(h);

    await h.consent();

    const result = await outcome;
    expect(result.kind).toBe('exchange-failed');
    expect(result.message).toContain(
      'Instagram did not answer properly (HTTP 502)',
    );
    expect(result.message).not.toContain('<');
    expect(h.services.listAccounts()).toEqual([]);
  });

  it('tells the user to register the exact redirect URI on oauth-error', async () => {
    const h = await start();
    h.services.sandbox()!.failNext('token', 'oauth-error');
    const { outcome } = await connect(h);

    await h.consent();

    const result = await outcome;
    expect(result.kind).toBe('exchange-failed');
    expect(result.message).toMatch(/register exactly the redirect URI/i);
  });

  it('saves nothing when the profile call fails after the exchange', async () => {
    const h = await start();
    h.services.sandbox()!.failNext('me', 'graph-190');
    const { outcome } = await connect(h);

    await h.consent();

    expect((await outcome).kind).toBe('exchange-failed');
    expect(h.services.listAccounts()).toEqual([]);
  });

  it('refuses without a keyring before the browser opens, until consent', async () => {
    const h = await start({ cipher: createTestCipher({ strong: false }) });

    const refused = await h.services.startConnect();

    expect(refused.kind).toBe('storage-refused');
    expect(h.opened).toEqual([]);
    h.services.saveSettings({ allowWeakSecretStorage: true });
    const { outcome: accepted } = await connect(h);
    await h.consent();
    expect((await accepted).kind).toBe('linked');
  });

  it('cancels the first of two Connects pressed in the same tick', async () => {
    const h = await start();

    const first = h.services.startConnect();
    const second = h.services.startConnect();

    expect((await first).kind).toBe('cancelled');
    await expect.poll(() => h.opened.length).toBe(1);
    await h.consent();
    expect((await second).kind).toBe('linked');
  });

  it('reports a provider error with its description, not as a refusal', async () => {
    const h = await start();
    const { outcome } = await connect(h);
    const authorize = new URL(h.opened[0]!);
    const callback = new URL(authorize.searchParams.get('redirect_uri')!);
    callback.search = new URLSearchParams({
      error: 'server_error',
      error_description: 'Internal hiccup',
      state: authorize.searchParams.get('state')!,
    }).toString();

    await (await request(callback.toString())).body.dump();

    const result = await outcome;
    expect(result.kind).toBe('exchange-failed');
    expect(result.message).toContain('Internal hiccup');
  });

  it('says so when the callback carries neither code nor error', async () => {
    const h = await start();
    const { outcome } = await connect(h);
    const authorize = new URL(h.opened[0]!);
    const callback = new URL(authorize.searchParams.get('redirect_uri')!);
    callback.searchParams.set('state', authorize.searchParams.get('state')!);

    await (await request(callback.toString())).body.dump();

    const result = await outcome;
    expect(result.kind).toBe('exchange-failed');
    expect(result.message).toMatch(/without an authorization code/);
  });

  it('stops before the browser when the App Secret cannot be decrypted', async () => {
    const h = await start({ cipher: createUnreadableCipher() });
    h.services.saveSettings({
      provider: 'instagram',
      appId: '1234567890',
      appSecret: 'an-app-secret-value',
    });

    const result = await h.services.startConnect();

    expect(result.kind).toBe('not-configured');
    expect(result.message).toMatch(/cannot be decrypted/);
    expect(h.opened).toEqual([]);
  });

  it('saves no setting when the App Secret sent with it is invalid', async () => {
    const h = await start();

    expect(() =>
      h.services.saveSettings({ appId: '123456', appSecret: '   ' }),
    ).toThrow(/not valid/);
    expect(h.services.getSettings().settings.appId).toBe('');
  });

  it('asks for credentials before connecting to Instagram', async () => {
    const h = await start();
    h.services.saveSettings({ provider: 'instagram' });

    const result = await h.services.startConnect();

    expect(result.kind).toBe('not-configured');
    expect(result.message).toMatch(/App ID and App Secret in Settings/);
    expect(h.opened).toEqual([]);
  });
});
