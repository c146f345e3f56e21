/**
 * What the Instagram client's unit tests share: one made-up Meta app, a
 * client pointed at a fixture server, and a way to catch its typed error.
 *
 *     const client = fixtureClient(server.origin, { timeouts: SHORT });
 *     const error = await failureOf(client.fetchProfile('IGAAtoken'));
 *     expect(error.kind).toBe('timeout');
 */
import { expect } from 'vitest';

import { type ProviderEndpoints } from '../../electron/core/types';
import {
  createInstagramClient,
  type InstagramClient,
  type InstagramClientOptions,
} from '../../electron/instagram/client';
import { InstagramError } from '../../electron/instagram/errors';

/** The App ID of the made-up Meta app the fixture servers play. */
export const TEST_APP_ID = '990011223344';

/** Its App Secret: tests look for it in logs and messages. */
export const TEST_APP_SECRET = 'app-secret-9f8e7d6c5b4a';

/** Instagram's endpoints, all served by the server at `origin`. */
export function fixtureEndpoints(origin: string): ProviderEndpoints {
  return {
    authorizeUrl: `${origin}/oauth/authorize`,
    tokenUrl: `${origin}/oauth/access_token`,
    graphBaseUrl: origin,
    graphVersion: 'v23.0',
  };
}

/**
 * The options of a client for the test app at `origin`, leaving `env` to
 * the caller: the default reads the real process environment.
 */
export function fixtureClientOptions(origin: string): InstagramClientOptions {
  return {
    endpoints: fixtureEndpoints(origin),
    appId: TEST_APP_ID,
    readAppSecret: () => TEST_APP_SECRET,
  };
}

/**
 * A client for the test app at `origin` that ignores the machine's proxy
 * variables (`env: {}`), so a developer's proxy cannot change a result.
 */
export function fixtureClient(
  origin: string,
  overrides: Partial<InstagramClientOptions> = {},
): InstagramClient {
  return createInstagramClient({
    ...fixtureClientOptions(origin),
    env: {},
    ...overrides,
  });
}

/** The error `call` rejects with, which must be an `InstagramError`. */
export async function failureOf(
  call: Promise<unknown>,
): Promise<InstagramError> {
  const error: unknown = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(InstagramError);

  return error as InstagramError;
}
