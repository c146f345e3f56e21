import { createServer } from 'node:net';

import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';

import { type Logger } from '../../electron/core/logger';
import {
  type Sandbox,
  SANDBOX_APP_ID,
  SANDBOX_APP_SECRET,
  SandboxStartError,
  SandboxUsageError,
  startSandbox,
} from '../../electron/sandbox/server';

const REDIRECT_URI = 'http://127.0.0.1:45678/callback';
const clock = { now: () => Date.UTC(2025, 0, 1) };

const running: Sandbox[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((sandbox) => sandbox.close()));
});

async function start(options: Parameters<typeof startSandbox>[0]) {
  const sandbox = await startSandbox(options);

  running.push(sandbox);
  return sandbox;
}

/** A logger that keeps every line, fields included, as text. */
function recordingLogger(lines: string[]): Logger {
  const record = (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
  };
  const logger: Logger = {
    debug: record,
    info: record,
    warn: record,
    error: record,
    child: () => logger,
  };

  return logger;
}

/** Consent, code exchange, long-lived exchange and /me, over HTTP. */
async function runWholeFlow(sandbox: Sandbox): Promise<string[]> {
  const query = new URLSearchParams({
    client_id: sandbox.appId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'instagram_business_basic',
    state: 'state-1',
  });
  const location = await sandbox.answerConsent(
    `${sandbox.endpoints.authorizeUrl}?${query}`,
  );
  const code = new URL(location).searchParams.get('code') ?? '';
  const short = await request(sandbox.endpoints.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: sandbox.appId,
      client_secret: sandbox.appSecret,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT_URI,
      code,
    }).toString(),
  });
  const shortToken = /"access_token":"(\w+)"/.exec(await short.body.text());
  const long = await request(
    `${sandbox.baseUrl}/access_token?grant_type=ig_exchange_token` +
      `&client_secret=${sandbox.appSecret}&access_token=${shortToken?.[1]}`,
  );
  const longToken = /"access_token":"(\w+)"/.exec(await long.body.text());
  const me = await request(
    `${sandbox.baseUrl}/v23.0/me?access_token=${longToken?.[1]}`,
  );

  await me.body.dump();
  return [code, shortToken?.[1] ?? '', longToken?.[1] ?? ''];
}

describe('starting and stopping', () => {
  it('listens on 127.0.0.1 and describes itself as a provider', async () => {
    const sandbox = await start({ clock });

    expect(sandbox.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.endpoints).toEqual({
      authorizeUrl: `${sandbox.baseUrl}/oauth/authorize`,
      tokenUrl: `${sandbox.baseUrl}/oauth/access_token`,
      graphBaseUrl: sandbox.baseUrl,
      graphVersion: 'v23.0',
    });
    expect([sandbox.appId, sandbox.appSecret]).toEqual([
      SANDBOX_APP_ID,
      SANDBOX_APP_SECRET,
    ]);
  });

  it('simulates at least two accounts whose ids exceed 2^53', async () => {
    const sandbox = await start({ clock });
    const large = sandbox.users.filter(
      (user) => BigInt(user.userId) > 2n ** 53n,
    );

    expect(large.length).toBeGreaterThanOrEqual(2);
  });

  it('fails with a SandboxStartError naming a port that is taken', async () => {
    const blocker = createServer();

    await new Promise<void>((resolve) =>
      blocker.listen(0, '127.0.0.1', resolve),
    );
    const { port } = blocker.address() as { port: number };
    const starting = startSandbox({ clock, port });

    await expect(starting).rejects.toThrow(SandboxStartError);
    await expect(starting).rejects.toThrow(`127.0.0.1:${port}`);
    await new Promise((resolve) => blocker.close(resolve));
  });

  it('uses the App ID and secret it is given', async () => {
    const sandbox = await start({ clock, appId: 'id-2', appSecret: 's-2' });
    const query = new URLSearchParams({
      client_id: 'id-2',
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'instagram_business_basic',
    });
    const location = await sandbox.answerConsent(
      `${sandbox.endpoints.authorizeUrl}?${query}`,
    );

    expect(location).toContain('code=AQ');
  });

  it('can be closed twice', async () => {
    const sandbox = await start({ clock });

    await sandbox.close();
    await expect(sandbox.close()).resolves.toBeUndefined();
  });
});

describe('the test helpers', () => {
  it('sets every count back to zero with resetStats', async () => {
    const sandbox = await start({ clock });

    await runWholeFlow(sandbox);
    sandbox.resetStats();
    expect(Object.values(sandbox.stats).every((count) => count === 0)).toBe(
      true,
    );
  });

  it('counts one call per step of a whole flow', async () => {
    const sandbox = await start({ clock });

    await runWholeFlow(sandbox);
    expect(sandbox.stats).toMatchObject({
      authorize: 1,
      consent: 1,
      token: 1,
      exchange: 1,
      me: 1,
    });
  });

  it('refuses to issue a token for an account it does not simulate', async () => {
    const sandbox = await start({ clock });

    expect(() => sandbox.issueLongLivedToken('42')).toThrow(SandboxUsageError);
  });

  it('refuses to answer a consent page on another server', async () => {
    const sandbox = await start({ clock });

    await expect(
      sandbox.answerConsent('http://127.0.0.1:1/oauth/authorize?x=1'),
    ).rejects.toThrow(SandboxUsageError);
  });
});

describe('logging', () => {
  it('logs no code, token or secret during a whole flow', async () => {
    const lines: string[] = [];
    const sandbox = await start({ clock, logger: recordingLogger(lines) });
    const secrets = [...(await runWholeFlow(sandbox)), sandbox.appSecret];

    expect(lines.length).toBeGreaterThan(4);
    expect(secrets.every((secret) => secret.length > 10)).toBe(true);
    for (const secret of secrets) {
      expect(lines.join('\n')).not.toContain(secret);
    }
  });
});
