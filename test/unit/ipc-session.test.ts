import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';

import { silentLogger } from '../../electron/core/logger';
import { DAY_MS as DAY } from '../../electron/core/time';
import { type Clock } from '../../electron/core/types';
import {
  type InvokeChannel,
  type IpcResult,
} from '../../electron/ipc/contract';
import { forwardServiceEvents } from '../../electron/ipc/events';
import {
  createIpcHandlers,
  createTrustedSenderCheck,
} from '../../electron/ipc/handlers';
import { type Harness, startHarness } from '../support/instalink-harness';
import { createTestCipher } from '../support/test-cipher';

const APP_FRAME = 'app://instalink/index.html';
const APP_SECRET = 'app-secret-typed-by-the-developer-0123';
// Instagram's token prefixes, which the sandbox mimics (IGAA short-lived).
const TOKEN_SHAPE = /\b(IGAA|IGQV)[A-Za-z0-9_-]{8,}/;

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Every encrypted value in the store file, decrypted. */
function secretsOnDisk(storeText: string | undefined): string[] {
  const cipher = createTestCipher();
  const fields = storeText?.matchAll(
    /"(?:encryptedToken|appSecret)":\s*"([^"]+)"/g,
  );

  return [...(fields ?? [])].map((match) => cipher.decrypt(match[1] ?? ''));
}

/** The renderer's view of a session: every result and every event. */
function recordingRenderer(app: Harness) {
  const transcript: unknown[] = [];
  const handlers = createIpcHandlers({
    services: app.services,
    isTrustedSender: createTrustedSenderCheck('app://instalink'),
    copyText: () => undefined,
    logger: silentLogger,
  });
  const stopEvents = forwardServiceEvents(
    app.services,
    (event, payload) => transcript.push([event, payload]),
    silentLogger,
  );
  const call = async (
    channel: InvokeChannel,
    payload: unknown,
  ): Promise<IpcResult<unknown>> => {
    const result = await handlers[channel](APP_FRAME, payload);
    transcript.push(result);
    return result;
  };

  return { call, transcript, stopEvents };
}

/** Connects the first sandbox account; returns the secrets it involved. */
async function linkThroughSandbox(
  app: Harness,
  call: ReturnType<typeof recordingRenderer>['call'],
): Promise<string[]> {
  const opened = app.nextOpened();
  const outcome = call('connect:start', {});
  // A flow that ends before opening the browser fails here, not by hanging.
  const first = await Promise.race([opened, outcome]);
  expect(first, 'the flow ended before the browser opened').toBeTypeOf(
    'string',
  );
  const authorizeUrl = first as string;
  await call('connect:progress', {});

  const sandbox = app.services.sandbox()!;
  const redirect = await sandbox.answerConsent(authorizeUrl);
  await request(redirect).then((response) => response.body.dump());
  expect(await outcome).toMatchObject({ ok: true, value: { kind: 'linked' } });

  const code = new URL(redirect).searchParams.get('code') ?? '';
  return [sandbox.appSecret, code, redirect];
}

describe('a full session through the IPC handlers', () => {
  it('never hands the renderer a token, a code or an App Secret', async () => {
    let now = Date.now();
    const clock: Clock = { now: () => now };
    const app = (harness = await startHarness({ clock }));
    const { call, transcript, stopEvents } = recordingRenderer(app);
    const secrets = new Set([APP_SECRET]);

    await call('settings:save', { appSecret: APP_SECRET });
    await call('settings:get', {});
    const [sandboxSecret, code, redirect] = await linkThroughSandbox(app, call);
    secrets.add(sandboxSecret!).add(code!);
    secretsOnDisk(await app.storeText()).forEach((s) => secrets.add(s));

    const { userId } = app.services.listAccounts()[0]!;
    now += 2 * DAY;
    expect(await call('accounts:refresh', { userId })).toMatchObject({
      ok: true,
    });
    secretsOnDisk(await app.storeText()).forEach((s) => secrets.add(s));
    for (const [channel, payload] of [
      ['accounts:list', {}],
      ['notices:list', {}],
      ['connect:paste-redirect', { text: redirect }],
      ['connect:reopen', {}],
      ['connect:cancel', {}],
      ['connect:progress', {}],
      ['accounts:disconnect', { userId }],
    ] as const) {
      await call(channel, payload);
    }
    stopEvents();

    const text = JSON.stringify(transcript);
    // Both secrets, the code and two long-lived tokens (linked, refreshed)
    // must really have existed for the search below to mean anything.
    expect(secrets.size).toBe(5);
    expect([...secrets].filter((secret) => text.includes(secret))).toEqual([]);
    expect(text).not.toMatch(TOKEN_SHAPE);
  });
});
