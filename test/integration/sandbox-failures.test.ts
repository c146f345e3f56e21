import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  type Sandbox,
  SANDBOX_ENDPOINTS,
  type SandboxEndpoint,
  type SandboxFailure,
  SandboxUsageError,
  startSandbox,
} from '../../electron/sandbox/server';
import { readFixture as fixture } from '../support/fixture-server';
import { authorizeUrlOf, SANDBOX_TEST_START } from '../support/sandbox-http';

let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = await startSandbox({ clock: { now: () => SANDBOX_TEST_START } });
});

afterEach(async () => {
  await sandbox.close();
});

function authorizeUrl(): string {
  return authorizeUrlOf(sandbox, { state: 'state-1' });
}

/** A plausible call to each endpoint, the way the app makes it. */
function callOptions(endpoint: SandboxEndpoint) {
  const token = `access_token=${sandbox.issueLongLivedToken('17841400000000001').accessToken}`;
  const calls: Record<
    SandboxEndpoint,
    [string, Parameters<typeof request>[1]]
  > = {
    authorize: [authorizeUrl(), {}],
    token: [
      sandbox.endpoints.tokenUrl,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `client_id=${sandbox.appId}&code=AQx`,
      },
    ],
    exchange: [
      `${sandbox.baseUrl}/access_token?grant_type=ig_exchange_token&${token}`,
      {},
    ],
    refresh: [
      `${sandbox.baseUrl}/refresh_access_token?grant_type=ig_refresh_token&${token}`,
      {},
    ],
    me: [`${sandbox.baseUrl}/v23.0/me?fields=username&${token}`, {}],
  };

  return calls[endpoint];
}

async function call(endpoint: SandboxEndpoint) {
  const [url, options] = callOptions(endpoint);
  const response = await request(url, options);

  return {
    status: response.statusCode,
    contentType: String(response.headers['content-type']),
    text: await response.body.text(),
  };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('each failure switch on each endpoint', () => {
  it.each(SANDBOX_ENDPOINTS)(
    'http-500 answers %s with a 500 that is not JSON',
    async (endpoint) => {
      sandbox.failNext(endpoint, 'http-500');
      const answer = await call(endpoint);

      expect(answer.status).toBe(500);
      expect(isJson(answer.text)).toBe(false);
    },
  );

  it.each(SANDBOX_ENDPOINTS)(
    'html-502 answers %s with the gateway page',
    async (endpoint) => {
      sandbox.failNext(endpoint, 'html-502');

      expect(await call(endpoint)).toEqual({
        status: 502,
        contentType: 'text/html; charset=utf-8',
        text: fixture('gateway-502.html'),
      });
    },
  );

  it.each(SANDBOX_ENDPOINTS)(
    'graph-190 answers %s with the Graph error 190',
    async (endpoint) => {
      sandbox.failNext(endpoint, 'graph-190');
      const answer = await call(endpoint);

      expect(answer.status).toBe(400);
      expect(answer.text).toBe(fixture('graph-error-190.json'));
    },
  );

  it.each(SANDBOX_ENDPOINTS)(
    'oauth-error answers %s with Invalid redirect_uri',
    async (endpoint) => {
      sandbox.failNext(endpoint, 'oauth-error');
      const answer = await call(endpoint);

      expect(answer.status).toBe(400);
      expect(answer.text).toBe(fixture('oauth-error.json'));
    },
  );

  it.each(SANDBOX_ENDPOINTS)(
    'stall holds %s open until close() ends it',
    async (endpoint) => {
      sandbox.failNext(endpoint, 'stall');
      const pending = call(endpoint);

      await vi.waitFor(() => expect(sandbox.stats[endpoint]).toBe(1));
      await sandbox.close();

      await expect(pending).rejects.toThrow();
    },
  );
});

describe('the refuse switch', () => {
  it('turns Allow on the consent page into Deny', async () => {
    sandbox.failNext('authorize', 'refuse');
    const location = await sandbox.answerConsent(authorizeUrl());

    expect(new URL(location).searchParams.get('error')).toBe('access_denied');
    expect(sandbox.stats.authorize).toBe(1);
  });

  it('lets the next consent through once used', async () => {
    sandbox.failNext('authorize', 'refuse');
    await sandbox.answerConsent(authorizeUrl());
    const location = await sandbox.answerConsent(authorizeUrl());

    expect(new URL(location).searchParams.get('code')).toMatch(/^AQ/);
  });

  it('is refused for an endpoint other than authorize', () => {
    const failure = 'refuse' as SandboxFailure;

    expect(() => sandbox.failNext('token', failure)).toThrow(SandboxUsageError);
  });
});

describe('switch lifetimes', () => {
  it('fails only the next call after failNext', async () => {
    sandbox.failNext('me', 'http-500');

    expect((await call('me')).status).toBe(500);
    expect((await call('me')).status).toBe(200);
  });

  it('fails as many calls as failNext was told, in order', async () => {
    sandbox.failNext('me', 'http-500', 2);
    sandbox.failNext('me', 'html-502');
    const statuses = [];

    for (let i = 0; i < 4; i += 1) statuses.push((await call('me')).status);
    expect(statuses).toEqual([500, 500, 502, 200]);
  });

  it('fails every call after failAlways until clearFailures', async () => {
    sandbox.failAlways('refresh', 'graph-190');
    const before = [
      (await call('refresh')).status,
      (await call('refresh')).status,
    ];

    sandbox.clearFailures();
    expect(before).toEqual([400, 400]);
    expect((await call('refresh')).text).not.toBe(
      fixture('graph-error-190.json'),
    );
  });

  it('leaves other endpoints alone', async () => {
    sandbox.failAlways('token', 'http-500');

    expect((await call('me')).status).toBe(200);
  });

  it('refuses a count below one', () => {
    expect(() => sandbox.failNext('me', 'http-500', 0)).toThrow(
      SandboxUsageError,
    );
  });

  it('counts a failed call in the stats', async () => {
    sandbox.failNext('token', 'http-500');
    await call('token');

    expect(sandbox.stats.token).toBe(1);
  });
});
