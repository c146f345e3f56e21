import { createServer } from 'node:net';

import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';

import {
  type Sandbox,
  SANDBOX_APP_ID,
  SANDBOX_APP_SECRET,
  SandboxStartError,
  SandboxUsageError,
  startSandbox,
} from '../../electron/sandbox/server';
import { type LogLine, recordingLogger } from '../support/recording-logger';
import {
  accessTokenIn,
  authorizeUrlOf,
  exchangeCode,
  grantCode,
  SANDBOX_TEST_START,
} from '../support/sandbox-http';

const clock = { now: () => SANDBOX_TEST_START };

const running: Sandbox[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((sandbox) => sandbox.close()));
});

async function start(options: Parameters<typeof startSandbox>[0]) {
  const sandbox = await startSandbox(options);

  running.push(sandbox);
  return sandbox;
}

/** Consent, code exchange, long-lived exchange and /me, over HTTP. */
async function runWholeFlow(sandbox: Sandbox): Promise<string[]> {
  const code = await grantCode(sandbox, { state: 'state-1' });
  const shortToken = await exchangeCode(sandbox, code);
  const long = await request(
    `${sandbox.baseUrl}/access_token?grant_type=ig_exchange_token` +
      `&client_secret=${sandbox.appSecret}&access_token=${shortToken}`,
  );
  const longToken = accessTokenIn(await long.body.text());
  const me = await request(
    `${sandbox.baseUrl}/v23.0/me?access_token=${longToken}`,
  );

  await me.body.dump();
  return [code, shortToken, longToken];
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
    const location = await sandbox.answerConsent(
      authorizeUrlOf(sandbox, { client_id: 'id-2' }),
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
    const lines: LogLine[] = [];
    const sandbox = await start({ clock, logger: recordingLogger(lines) });
    const secrets = [...(await runWholeFlow(sandbox)), sandbox.appSecret];

    expect(lines.length).toBeGreaterThan(4);
    expect(secrets.every((secret) => secret.length > 10)).toBe(true);
    for (const secret of secrets) {
      expect(JSON.stringify(lines)).not.toContain(secret);
    }
  });
});
