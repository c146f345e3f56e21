import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { type InstagramClient } from '../../electron/instagram/client';
import {
  describeInstagramError,
  InstagramError,
  type InstagramErrorKind,
  scrubSecrets,
} from '../../electron/instagram/errors';
import {
  type Answer,
  fixtureAnswer,
  type FixtureServer,
  jsonAnswer,
  type ReceivedRequest,
  type ScriptedAnswer,
  startFixtureServer,
} from '../support/fixture-server';
import {
  failureOf,
  fixtureClient,
  TEST_APP_SECRET as APP_SECRET,
} from '../support/instagram-client-fixtures';

const CODE = 'AQBcode-0001';
const VERIFIER = 'verifier-abcdefghijklmnopqrstuvwxyz0123456789ABC';
const TOKEN = 'IGAAtoken-0001';
const SECRETS = [APP_SECRET, CODE, VERIFIER, TOKEN];

let server: FixtureServer;
let client: InstagramClient;

/** The four JSON calls, each with every secret it can carry. */
const CALLS: Record<string, (api: InstagramClient) => Promise<unknown>> = {
  exchangeCode: (api) =>
    api.exchangeCode({
      code: CODE,
      redirectUri: 'https://relay.example.com/cb',
      codeVerifier: VERIFIER,
    }),
  exchangeForLongLived: (api) => api.exchangeForLongLived(TOKEN),
  refreshLongLived: (api) => api.refreshLongLived(TOKEN),
  fetchProfile: (api) => api.fetchProfile(TOKEN),
};

const ROUTES: [string, string][] = [
  ['POST', '/oauth/access_token'],
  ['GET', '/access_token'],
  ['GET', '/refresh_access_token'],
  ['GET', '/v23.0/me'],
];

function routeAll(answer: Answer): void {
  for (const [method, path] of ROUTES) {
    server.route(method, path, answer);
  }
}

/**
 * Every value the request carried, as a careless server might echo it;
 * the long public `fields` list is left out so the excerpt limit cannot
 * hide a secret that follows it.
 */
function echoOf(request: ReceivedRequest): string {
  const sent = [...request.query, ...request.form].filter(
    ([name]) => name !== 'fields',
  );

  return sent.map(([name, value]) => `${name}=${value}`).join('&');
}

beforeEach(async () => {
  server = await startFixtureServer();
  client = fixtureClient(server.origin);
});

afterEach(async () => {
  await client.close();
  await server.close();
});

describe('HTTP failures', () => {
  it('words an HTML 502 as "did not answer properly" with a plain excerpt', async () => {
    server.route(
      'POST',
      '/oauth/access_token',
      fixtureAnswer('gateway-502.html', 502),
    );

    const error = await failureOf(CALLS.exchangeCode!(client));

    expect(error.kind).toBe<InstagramErrorKind>('http');
    expect(error.status).toBe(502);
    expect(error.message).toMatch(
      /^Instagram did not answer properly \(HTTP 502\)/,
    );
    expect(error.message).toContain('Bad Gateway');
    expect(error.message).not.toMatch(/[<>]/);
    expect(error.message.length).toBeLessThan(300);
  });

  it('quotes no body for a failed status with unknown JSON', async () => {
    server.route(
      'GET',
      '/v23.0/me',
      jsonAnswer({ unexpected: 'shape-value' }, 500),
    );

    const error = await failureOf(client.fetchProfile(TOKEN));

    expect(error.kind).toBe<InstagramErrorKind>('http');
    expect(error.message).not.toContain('shape-value');
  });

  it('fails as invalid-response for a 200 answer that is not JSON', async () => {
    server.route('GET', '/v23.0/me', {
      headers: { 'content-type': 'text/html' },
      body: '<html><body>Sign in to the Wi-Fi</body></html>',
    });

    const error = await failureOf(client.fetchProfile(TOKEN));

    expect(error.kind).toBe<InstagramErrorKind>('invalid-response');
    expect(error.message).toMatch(
      /^Instagram did not answer properly \(HTTP 200\)/,
    );
  });

  it('refuses an answer larger than the size limit', async () => {
    server.route(
      'GET',
      '/v23.0/me',
      jsonAnswer(`{"padding":"${'x'.repeat(300 * 1024)}"}`),
    );

    const error = await failureOf(client.fetchProfile(TOKEN));

    expect(error.kind).toBe<InstagramErrorKind>('invalid-response');
  });
});

describe('Instagram error bodies', () => {
  it('gives the redirect URI fix for an OAuth "Invalid redirect_uri"', async () => {
    server.route(
      'POST',
      '/oauth/access_token',
      fixtureAnswer('oauth-error.json', 400),
    );

    const error = await failureOf(CALLS.exchangeCode!(client));

    expect(error.kind).toBe<InstagramErrorKind>('oauth');
    expect(error.status).toBe(400);
    expect(error.code).toBe(400);
    expect(error.message).toContain('Invalid redirect_uri');
    expect(error.message).toContain(
      'register exactly the redirect URI shown in Settings',
    );
  });

  it('does not mark a token invalid for an OAuth refusal', async () => {
    server.route(
      'POST',
      '/oauth/access_token',
      fixtureAnswer('oauth-error.json', 400),
    );

    const error = await failureOf(CALLS.exchangeCode!(client));

    expect(error.tokenInvalid).toBe(false);
  });

  it('reads Graph error 190 on /me as an invalid token with its details', async () => {
    server.route(
      'GET',
      '/v23.0/me',
      fixtureAnswer('graph-error-190.json', 400),
    );

    const error = await failureOf(client.fetchProfile(TOKEN));

    expect(error).toMatchObject({
      kind: 'graph',
      status: 400,
      code: 190,
      subcode: 463,
      fbtraceId: 'AbCdEf012345',
      tokenInvalid: true,
    });
    expect(error.message).toContain('Connect the account again');
  });

  it('reads Graph error 190 on a refresh as an invalid token', async () => {
    server.route(
      'GET',
      '/refresh_access_token',
      fixtureAnswer('graph-error-190.json', 400),
    );

    const error = await failureOf(client.refreshLongLived(TOKEN));

    expect(error.tokenInvalid).toBe(true);
  });

  it('does not mark a token invalid for a rate-limit Graph error', async () => {
    server.route(
      'GET',
      '/v23.0/me',
      jsonAnswer(
        { error: { message: 'Application request limit reached', code: 4 } },
        400,
      ),
    );

    const error = await failureOf(client.fetchProfile(TOKEN));

    expect(error.kind).toBe<InstagramErrorKind>('graph');
    expect(error.tokenInvalid).toBe(false);
    expect(error.message).toContain('limiting requests');
  });
});

describe('network failures', () => {
  it('reports a refused connection as a network error naming the cause', async () => {
    const closed = await startFixtureServer();
    const origin = closed.origin;
    await closed.close();
    const offline = fixtureClient(origin);

    const error = await failureOf(offline.fetchProfile(TOKEN));
    await offline.close();

    expect(error.kind).toBe<InstagramErrorKind>('network');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('127.0.0.1');
  });
});

describe('secrets in messages', () => {
  const echoes: Record<string, (request: ReceivedRequest) => ScriptedAnswer> = {
    'an OAuth error': (request) =>
      jsonAnswer(
        {
          error_type: 'OAuthException',
          code: 400,
          error_message: `bad request ${echoOf(request)}`,
        },
        400,
      ),
    'a Graph error': (request) =>
      jsonAnswer({ error: { message: echoOf(request), code: 100 } }, 400),
    'an HTML page': (request) => ({
      status: 500,
      headers: { 'content-type': 'text/html' },
      body: `<html><body><p>${echoOf(request)}</p></body></html>`,
    }),
  };

  for (const [shape, echo] of Object.entries(echoes)) {
    for (const [name, call] of Object.entries(CALLS)) {
      it(`keeps every secret out of ${shape} echoed by ${name}`, async () => {
        routeAll(echo);

        const error = await failureOf(call(client));

        for (const secret of SECRETS) {
          expect(error.message).not.toContain(secret);
          expect(String(error.stack)).not.toContain(secret);
        }
      });
    }
  }

  it('keeps every secret out of a timeout message', async () => {
    const stalling = fixtureClient(server.origin, {
      timeouts: { connectMs: 300, headersMs: 300, bodyMs: 300 },
    });
    routeAll({ stall: 'headers' });

    const error = await failureOf(CALLS.exchangeCode!(stalling));
    await stalling.close();

    for (const secret of SECRETS) {
      expect(error.message).not.toContain(secret);
    }
  });
});

describe('describeInstagramError', () => {
  it('returns the message of an InstagramError', () => {
    const error = new InstagramError('http', 'Instagram did not answer.');

    expect(describeInstagramError(error)).toBe('Instagram did not answer.');
  });

  it('gives fixed wording for any other error, not its message', () => {
    const wording = describeInstagramError(
      new Error('request to /x?access_token=leaked-value failed'),
    );

    expect(wording).not.toContain('leaked-value');
    expect(wording).toContain('Instagram');
  });
});

describe('scrubSecrets', () => {
  it('removes secret-named query and form fields', () => {
    const text = scrubSecrets(
      'GET /me?fields=a&access_token=IGAAsecret&code=AQBx client_secret=s1',
    );

    expect(text).toBe(
      'GET /me?fields=a&access_token=[redacted]&code=[redacted] ' +
        'client_secret=[redacted]',
    );
  });

  it('removes the given secret values wherever they appear', () => {
    expect(scrubSecrets('echo: abc-SECRET-xyz', ['SECRET'])).toBe(
      'echo: abc-[redacted]-xyz',
    );
  });
});
