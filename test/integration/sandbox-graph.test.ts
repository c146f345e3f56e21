import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DAY_MS as DAY, HOUR_MS as HOUR } from '../../electron/core/time';
import { type Sandbox, startSandbox } from '../../electron/sandbox/server';
import {
  exchangeCode,
  grantCode,
  SANDBOX_TEST_START,
} from '../support/sandbox-http';

const LONG_LIVED_MS = 5_183_944 * 1000;

let now: number;
let sandbox: Sandbox;

beforeEach(async () => {
  now = SANDBOX_TEST_START;
  sandbox = await startSandbox({ clock: { now: () => now } });
});

afterEach(async () => {
  await sandbox.close();
});

/** The whole browser part and code exchange, over HTTP. */
async function shortLivedToken(scope = 'instagram_business_basic') {
  return exchangeCode(sandbox, await grantCode(sandbox, { scope }));
}

async function get(path: string, params: Record<string, string> = {}) {
  const query = new URLSearchParams(params);
  const response = await request(`${sandbox.baseUrl}${path}?${query}`);

  return { status: response.statusCode, text: await response.body.text() };
}

function exchange(accessToken: string, clientSecret = sandbox.appSecret) {
  return get('/access_token', {
    grant_type: 'ig_exchange_token',
    client_secret: clientSecret,
    access_token: accessToken,
  });
}

function refresh(accessToken: string) {
  return get('/refresh_access_token', {
    grant_type: 'ig_refresh_token',
    access_token: accessToken,
  });
}

function me(accessToken: string, fields = 'user_id,username') {
  return get('/v23.0/me', { fields, access_token: accessToken });
}

function graphError(text: string) {
  return (
    JSON.parse(text) as { error: { code: number; error_subcode?: number } }
  ).error;
}

function longLived() {
  return sandbox.issueLongLivedToken('17841400000000001').accessToken;
}

describe('the long-lived exchange', () => {
  it('trades a short-lived token for a bearer token valid 5183944 seconds', async () => {
    const answer = await exchange(await shortLivedToken());

    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(
      /^\{"access_token":"IGQV[0-9a-f]+","token_type":"bearer","expires_in":5183944\}$/,
    );
  });

  it('refuses a wrong client secret', async () => {
    const answer = await exchange(await shortLivedToken(), 'wrong');

    expect(answer.status).toBe(400);
    expect(answer.text).not.toContain('wrong');
  });

  it('refuses a short-lived token that is an hour old with error 190', async () => {
    const token = await shortLivedToken();

    now += HOUR;
    expect(graphError((await exchange(token)).text).code).toBe(190);
  });
});

describe('the refresh', () => {
  it('refuses a token a moment short of 24 hours old, without error 190', async () => {
    const token = longLived();

    now += DAY - 1;
    const answer = await refresh(token);

    expect(answer.status).toBe(400);
    expect(graphError(answer.text).code).toBe(100);
    expect(answer.text).toContain('less than 24 hours old');
  });

  it('refreshes a token exactly 24 hours old', async () => {
    const token = longLived();

    now += DAY;
    const answer = await refresh(token);

    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/"access_token":"IGQV[0-9a-f]+"/);
    expect(answer.text).toContain('"expires_in":5183944');
  });

  it('refuses an expired token with error 190', async () => {
    const token = longLived();

    now += LONG_LIVED_MS;
    const answer = await refresh(token);

    expect(answer.status).toBe(400);
    expect(graphError(answer.text)).toMatchObject({
      code: 190,
      error_subcode: 463,
    });
  });

  it('gives the new token a full life counted from the refresh', async () => {
    const token = longLived();

    now += 30 * DAY;
    const refreshed = /"access_token":"(\w+)"/.exec(
      (await refresh(token)).text,
    );
    now += LONG_LIVED_MS - 1;

    expect((await me(refreshed?.[1] ?? '')).status).toBe(200);
    expect((await me(token)).status).toBe(400);
  });

  it('refuses a short-lived token, which must be exchanged first', async () => {
    const token = await shortLivedToken();
    const answer = await refresh(token);

    expect(answer.status).toBe(400);
    expect(answer.text).toContain('Only long-lived access tokens');
  });
});

describe('/me', () => {
  it('answers the fields asked for with user_id as a raw number', async () => {
    const fields =
      'user_id,username,name,account_type,profile_picture_url,' +
      'followers_count,follows_count,media_count';
    const answer = await me(longLived(), fields);

    expect(answer.status).toBe(200);
    expect(answer.text).toBe(
      '{"user_id":17841400000000001,"username":"sandbox_shop",' +
        '"name":"Sandbox Shop","account_type":"BUSINESS",' +
        `"profile_picture_url":"${sandbox.baseUrl}/avatars/17841400000000001.png",` +
        '"followers_count":1280,"follows_count":75,"media_count":342}',
    );
  });

  it('answers for the account chosen on the consent page', async () => {
    const token = sandbox.issueLongLivedToken('17841400000000002').accessToken;
    const answer = await me(token, 'user_id,account_type');

    expect(answer.text).toBe(
      '{"user_id":17841400000000002,"account_type":"MEDIA_CREATOR"}',
    );
  });

  it('accepts the token in an Authorization Bearer header', async () => {
    const response = await request(
      `${sandbox.baseUrl}/v23.0/me?fields=username`,
      {
        headers: { authorization: `Bearer ${await shortLivedToken()}` },
      },
    );

    expect(await response.body.text()).toBe('{"username":"sandbox_shop"}');
  });

  it('answers 400 with error 190 for a revoked token', async () => {
    const token = longLived();

    expect(sandbox.revoke(token)).toBe(true);
    const answer = await me(token);

    expect(answer.status).toBe(400);
    expect(graphError(answer.text).code).toBe(190);
  });

  it('answers 400 with error 190 for a token it never issued', async () => {
    const answer = await me('IGQVnot-a-real-token');

    expect(answer.status).toBe(400);
    expect(graphError(answer.text).code).toBe(190);
  });

  it('answers 400 with error 190 for an expired short-lived token', async () => {
    const token = await shortLivedToken();

    now += HOUR;
    expect(graphError((await me(token)).text).code).toBe(190);
  });

  it('refuses a field Graph does not know', async () => {
    const answer = await me(longLived(), 'username,password');

    expect(answer.status).toBe(400);
    expect(answer.text).toContain('nonexisting field (password)');
  });

  it('refuses a token granted without instagram_business_basic', async () => {
    const token = await shortLivedToken('instagram_business_manage_comments');
    const answer = await me(token);

    expect(answer.status).toBe(400);
    expect(graphError(answer.text).code).toBe(10);
  });
});

describe('avatars and other paths', () => {
  it('serves a PNG of the declared size at profile_picture_url', async () => {
    const answer = await me(longLived(), 'profile_picture_url');
    const url = (JSON.parse(answer.text) as { profile_picture_url: string })
      .profile_picture_url;
    const response = await request(url);
    const png = Buffer.from(await response.body.arrayBuffer());

    expect(response.headers['content-type']).toBe('image/png');
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([8, 8]);
  });

  it('answers 404 for the avatar of an account it does not simulate', async () => {
    expect((await get('/avatars/123.png')).status).toBe(404);
  });

  it('answers 404 for a path Instagram does not have', async () => {
    expect((await get('/v23.0/me/media')).status).toBe(404);
  });

  it('answers 405 for a known path called with the wrong method', async () => {
    const response = await request(sandbox.endpoints.tokenUrl);

    await response.body.dump();
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });
});
