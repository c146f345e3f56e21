import { Agent, errors } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  DEFAULT_INSTAGRAM_TIMEOUTS,
  type InstagramClient,
  type InstagramClientOptions,
} from '../../electron/instagram/client';
import { type InstagramErrorKind } from '../../electron/instagram/errors';
import { overallDeadlineMs } from '../../electron/instagram/http';
import {
  type FixtureServer,
  startFixtureServer,
} from '../support/fixture-server';
import { failureOf, fixtureClient } from '../support/instagram-client-fixtures';

/** Short bounds so a stalled server ends each test quickly. */
const SHORT = { connectMs: 300, headersMs: 300, bodyMs: 300 };

let server: FixtureServer;
let client: InstagramClient;

/** A client of the fixture server with the short bounds. */
function clientFor(overrides: Partial<InstagramClientOptions> = {}) {
  return fixtureClient(server.origin, { timeouts: SHORT, ...overrides });
}

const exchange = (api: InstagramClient) =>
  api.exchangeCode({ code: 'AQBcode', redirectUri: 'https://r.example/cb' });

beforeEach(async () => {
  server = await startFixtureServer();
  client = clientFor();
});

afterEach(async () => {
  await client.close();
  await server.close();
});

describe('documented bounds', () => {
  it('defaults to connect 10 s, headers 15 s and body 15 s', () => {
    expect(DEFAULT_INSTAGRAM_TIMEOUTS).toEqual({
      connectMs: 10_000,
      headersMs: 15_000,
      bodyMs: 15_000,
    });
  });

  it('bounds every request by the sum of the three: 40 s by default', () => {
    expect(overallDeadlineMs(DEFAULT_INSTAGRAM_TIMEOUTS)).toBe(40_000);
  });
});

describe('stalls', () => {
  it('ends a code exchange that is never answered with a timeout', async () => {
    server.route('POST', '/oauth/access_token', { stall: 'headers' });

    const error = await failureOf(exchange(client));

    expect(error.kind).toBe<InstagramErrorKind>('timeout');
    expect(error.operation).toBe('code-exchange');
    // Which bound fires first (headers or overall) depends on undici's
    // coarse timers, so only the wording is asserted here.
    expect(error.message).toMatch(/^Instagram did not answer within 0\.\d s/);
  });

  it('ends an answer whose body stops halfway with a timeout', async () => {
    server.route('POST', '/oauth/access_token', {
      headers: { 'content-type': 'application/json' },
      body: '{"access_token":"IGAA',
      stall: 'body',
    });

    const error = await failureOf(exchange(client));

    expect(error.kind).toBe<InstagramErrorKind>('timeout');
  });

  it('ends a body that trickles forever at the overall deadline', async () => {
    server.route('GET', '/v23.0/me', { stall: 'trickle' });

    const error = await failureOf(client.fetchProfile('IGAAtoken'));

    expect(error.kind).toBe<InstagramErrorKind>('timeout');
    expect(error.message).toContain(
      `within ${overallDeadlineMs(SHORT) / 1000} seconds`,
    );
  });

  it('also bounds a dispatcher passed in by the overall deadline', async () => {
    const agent = new Agent();
    const own = clientFor({ dispatcher: agent });
    server.route('GET', '/v23.0/me', { stall: 'trickle' });

    const error = await failureOf(own.fetchProfile('IGAAtoken'));
    await own.close();
    await agent.close();

    expect(error.kind).toBe<InstagramErrorKind>('timeout');
  });
});

describe('connect timeouts', () => {
  it('reports a connection that never opens as a timeout', async () => {
    // A connector that fails as undici's does when connectMs runs out,
    // so no socket is needed to reach that branch.
    const agent = new Agent({
      connect: (_options, callback) => {
        callback(new errors.ConnectTimeoutError(), null);
      },
    });
    const unreachable = clientFor({ dispatcher: agent });

    const error = await failureOf(exchange(unreachable));
    await agent.close();

    expect(error.kind).toBe<InstagramErrorKind>('timeout');
    expect(error.message).toContain('within 0.3 seconds');
  });
});
