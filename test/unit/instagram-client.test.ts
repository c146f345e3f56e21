import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  type InstagramClient,
  PROFILE_FIELDS,
} from '../../electron/instagram/client';
import { type InstagramErrorKind } from '../../electron/instagram/errors';
import { LONG_LIVED_FALLBACK_SECONDS } from '../../electron/instagram/schemas';
import {
  fixtureAnswer,
  type FixtureServer,
  jsonAnswer,
  startFixtureServer,
} from '../support/fixture-server';
import {
  failureOf,
  fixtureClient,
  TEST_APP_ID as APP_ID,
  TEST_APP_SECRET as APP_SECRET,
} from '../support/instagram-client-fixtures';
import { type LogLine, recordingLogger } from '../support/recording-logger';

const CODE = 'AQBcode-0001';
const VERIFIER = 'verifier-abcdefghijklmnopqrstuvwxyz0123456789ABC';
const SHORT_TOKEN = 'IGAAshort-token-0001';
const LONG_TOKEN = 'IGAAlong-token-0001';
const REDIRECT_URI = 'https://relay.example.com/instalink/callback/';

/** A code exchange without PKCE. */
const CODE_EXCHANGE = { code: CODE, redirectUri: REDIRECT_URI };

let server: FixtureServer;
let client: InstagramClient;
let logLines: LogLine[];

beforeEach(async () => {
  server = await startFixtureServer();
  logLines = [];
  client = fixtureClient(server.origin, {
    logger: recordingLogger(logLines),
  });
});

afterEach(async () => {
  await client.close();
  await server.close();
});

describe('exchangeCode', () => {
  beforeEach(() => {
    server.route(
      'POST',
      '/oauth/access_token',
      fixtureAnswer('token-bigint.json'),
    );
  });

  it('posts a form with exactly the documented fields and values', async () => {
    await client.exchangeCode({
      code: CODE,
      redirectUri: REDIRECT_URI,
      codeVerifier: VERIFIER,
    });

    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe(
      'application/x-www-form-urlencoded',
    );
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      client_id: APP_ID,
      client_secret: APP_SECRET,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT_URI,
      code: CODE,
      code_verifier: VERIFIER,
    });
  });

  it('leaves code_verifier out when no verifier is given', async () => {
    await client.exchangeCode(CODE_EXCHANGE);

    const form = server.requests[0]?.form;
    expect(form?.has('code_verifier')).toBe(false);
    expect([...(form?.keys() ?? [])]).toHaveLength(5);
  });

  it('sends the redirect URI byte-identical to the one given', async () => {
    const awkward =
      'https://relay.example.com/cb/?from=ig&next=%2Fhome&x=a b+c~é';

    await client.exchangeCode({ code: CODE, redirectUri: awkward });

    const sent = server.requests[0]?.form.getAll('redirect_uri');
    expect(sent).toEqual([awkward]);
  });

  it('reads a user_id above 2^53 as its exact digits', async () => {
    const token = await client.exchangeCode(CODE_EXCHANGE);

    expect(token).toEqual({
      accessToken: 'IGAAexampleShortLived0001',
      userId: '17841400000000001',
      permissions: [],
    });
  });

  it('reads token, id and permissions from data[0]', async () => {
    server.route(
      'POST',
      '/oauth/access_token',
      fixtureAnswer('token-data-array.json'),
    );

    const token = await client.exchangeCode(CODE_EXCHANGE);

    expect(token).toEqual({
      accessToken: 'IGAAexampleShortLived0002',
      userId: '17841400000000002',
      permissions: [
        'instagram_business_basic',
        'instagram_business_manage_comments',
      ],
    });
  });

  it('reads permissions sent as an array', async () => {
    server.route(
      'POST',
      '/oauth/access_token',
      jsonAnswer(
        '{"data":[{"access_token":"IGAAx","user_id":17841400000000009,' +
          '"permissions":["instagram_business_basic"]}]}',
      ),
    );

    const token = await client.exchangeCode(CODE_EXCHANGE);

    expect(token.userId).toBe('17841400000000009');
    expect(token.permissions).toEqual(['instagram_business_basic']);
  });

  it('fails as invalid-response when the answer has no access_token', async () => {
    server.route(
      'POST',
      '/oauth/access_token',
      jsonAnswer({ user_id: '17841400000000001' }),
    );

    const error = await failureOf(client.exchangeCode(CODE_EXCHANGE));

    expect(error.kind).toBe<InstagramErrorKind>('invalid-response');
    expect(error.message).toContain('access_token');
  });
});

describe('exchangeForLongLived', () => {
  const LONG_LIVED_ANSWER = jsonAnswer({
    access_token: LONG_TOKEN,
    token_type: 'bearer',
    expires_in: 5183944,
  });

  it('sends the documented query to /access_token', async () => {
    server.route('GET', '/access_token', LONG_LIVED_ANSWER);

    await client.exchangeForLongLived(SHORT_TOKEN);

    const query = Object.fromEntries(server.requests[0]?.query ?? []);
    expect(query).toEqual({
      grant_type: 'ig_exchange_token',
      client_secret: APP_SECRET,
      access_token: SHORT_TOKEN,
    });
  });

  it('returns the token and the lifetime Instagram reported', async () => {
    server.route('GET', '/access_token', LONG_LIVED_ANSWER);

    const token = await client.exchangeForLongLived(SHORT_TOKEN);

    expect(token).toEqual({
      accessToken: LONG_TOKEN,
      tokenType: 'bearer',
      expiresInSeconds: 5183944,
    });
  });

  it.each([
    ['missing', undefined],
    ['negative', -5],
    ['zero', 0],
    ['text', 'soon'],
    ['null', null],
    ['over a year', 400 * 24 * 3600],
  ])(
    'falls back to the default lifetime and warns when expires_in is %s',
    async (_label, expiresIn) => {
      server.route(
        'GET',
        '/access_token',
        jsonAnswer({ access_token: LONG_TOKEN, expires_in: expiresIn }),
      );

      const token = await client.exchangeForLongLived(SHORT_TOKEN);

      expect(token.expiresInSeconds).toBe(LONG_LIVED_FALLBACK_SECONDS);
      expect(logLines.some((line) => line.level === 'warn')).toBe(true);
    },
  );
});

describe('refreshLongLived', () => {
  it('sends the documented query to /refresh_access_token', async () => {
    server.route(
      'GET',
      '/refresh_access_token',
      jsonAnswer({
        access_token: 'IGAAlong-token-0002',
        token_type: 'bearer',
        expires_in: 5184000,
      }),
    );

    const token = await client.refreshLongLived(LONG_TOKEN);

    expect(Object.fromEntries(server.requests[0]?.query ?? [])).toEqual({
      grant_type: 'ig_refresh_token',
      access_token: LONG_TOKEN,
    });
    expect(token.accessToken).toBe('IGAAlong-token-0002');
  });
});

describe('fetchProfile', () => {
  const profileBody =
    '{"user_id":17841400000000001,"id":"26000000000000001",' +
    '"username":"example_shop","name":"Example Shop",' +
    '"account_type":"BUSINESS",' +
    '"profile_picture_url":"https://cdn.example.com/p.jpg",' +
    '"followers_count":1200,"follows_count":34,"media_count":56}';

  it('asks /me for the documented fields with the token', async () => {
    server.route('GET', '/v23.0/me', jsonAnswer(profileBody));

    await client.fetchProfile(LONG_TOKEN);

    const query = server.requests[0]?.query;
    expect(query?.get('fields')).toBe(PROFILE_FIELDS.join(','));
    expect(query?.get('access_token')).toBe(LONG_TOKEN);
  });

  it('reads the profile with the id as its exact digits', async () => {
    server.route('GET', '/v23.0/me', jsonAnswer(profileBody));

    const profile = await client.fetchProfile(LONG_TOKEN);

    expect(profile).toEqual({
      userId: '17841400000000001',
      username: 'example_shop',
      name: 'Example Shop',
      accountType: 'BUSINESS',
      profilePictureUrl: 'https://cdn.example.com/p.jpg',
      followersCount: 1200,
      followsCount: 34,
      mediaCount: 56,
    });
  });

  it('keeps the profile when an optional field is malformed', async () => {
    server.route(
      'GET',
      '/v23.0/me',
      jsonAnswer({
        user_id: '17841400000000001',
        username: 'example_shop',
        followers_count: 'many',
        name: null,
      }),
    );

    const profile = await client.fetchProfile(LONG_TOKEN);

    expect(profile.username).toBe('example_shop');
    expect(profile.followersCount).toBeUndefined();
    expect(profile.name).toBeUndefined();
  });

  it('falls back to id when /me sends no user_id', async () => {
    server.route(
      'GET',
      '/v23.0/me',
      jsonAnswer('{"id":17841400000000007,"username":"example_shop"}'),
    );

    const profile = await client.fetchProfile(LONG_TOKEN);

    expect(profile.userId).toBe('17841400000000007');
  });

  it('fails as invalid-response when /me has no username', async () => {
    server.route(
      'GET',
      '/v23.0/me',
      jsonAnswer({ user_id: '17841400000000001' }),
    );

    const error = await failureOf(client.fetchProfile(LONG_TOKEN));

    expect(error.kind).toBe<InstagramErrorKind>('invalid-response');
    expect(error.operation).toBe('profile');
  });
});

describe('logging', () => {
  it('logs no token, code, verifier or secret', async () => {
    server.route(
      'POST',
      '/oauth/access_token',
      fixtureAnswer('oauth-error.json', 400),
    );
    server.route('GET', '/v23.0/me', fixtureAnswer('graph-error-190.json'));

    await client
      .exchangeCode({
        code: CODE,
        redirectUri: REDIRECT_URI,
        codeVerifier: VERIFIER,
      })
      .catch(() => undefined);
    await client.fetchProfile(LONG_TOKEN).catch(() => undefined);

    const logged = JSON.stringify(logLines);
    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of [APP_SECRET, CODE, VERIFIER, LONG_TOKEN]) {
      expect(logged).not.toContain(secret);
    }
  });
});
