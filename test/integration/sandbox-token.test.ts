import { createHash } from 'node:crypto';

import { FormData, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { MINUTE_MS as MINUTE } from '../../electron/core/time';
import {
  type Sandbox,
  type SandboxOptions,
  startSandbox,
} from '../../electron/sandbox/server';
import {
  codeExchangeFields as exchangeFields,
  grantCode as grantSandboxCode,
  postTokenForm as postToken,
  SANDBOX_REDIRECT_URI as REDIRECT_URI,
  SANDBOX_TEST_START,
} from '../support/sandbox-http';

const VERIFIER = 'v'.repeat(20) + '-._~' + '0123456789abcdefghijklmn';

let now: number;
let sandbox: Sandbox;
let opened: Sandbox[];

beforeEach(async () => {
  now = SANDBOX_TEST_START;
  opened = [];
  sandbox = await start();
});

afterEach(async () => {
  await Promise.all(opened.map((each) => each.close()));
});

async function start(options: Partial<SandboxOptions> = {}) {
  const started = await startSandbox({ clock: { now: () => now }, ...options });

  opened.push(started);
  return started;
}

/** A code for two scopes with the state `state-1`; `params` change these. */
function grantCode(
  target: Sandbox,
  params: Record<string, string> = {},
  scopes?: string[],
): Promise<string> {
  const query = {
    scope: 'instagram_business_basic,instagram_business_manage_comments',
    state: 'state-1',
    ...params,
  };

  return grantSandboxCode(target, query, scopes);
}

function oauthError(message: string): string {
  return JSON.stringify({
    error_type: 'OAuthException',
    code: 400,
    error_message: message,
  });
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

describe('the code exchange', () => {
  it('answers the flat shape with the user id as a raw number above 2^53', async () => {
    const code = await grantCode(sandbox);
    const { status, text } = await postToken(
      sandbox,
      exchangeFields(sandbox, code),
    );

    expect(status).toBe(200);
    expect(text).toMatch(
      /^\{"access_token":"IGAA[0-9a-f]+","user_id":17841400000000001\}$/,
    );
  });

  it('answers the data-array shape with a raw user id and the permissions', async () => {
    const shaped = await start({ tokenShape: 'data-array' });
    const code = await grantCode(shaped);
    const { text } = await postToken(shaped, exchangeFields(shaped, code));

    expect(text).toMatch(
      /^\{"data":\[\{"access_token":"IGAA[0-9a-f]+","user_id":17841400000000001,"permissions":"instagram_business_basic,instagram_business_manage_comments"\}\]\}$/,
    );
  });

  it('grants only the scopes left ticked on the consent page', async () => {
    const shaped = await start({ tokenShape: 'data-array' });
    const code = await grantCode(shaped, {}, ['instagram_business_basic']);
    const { text } = await postToken(shaped, exchangeFields(shaped, code));

    expect(text).toContain('"permissions":"instagram_business_basic"}');
  });

  it('counts each code exchange once in the stats', async () => {
    const code = await grantCode(sandbox);

    await postToken(sandbox, exchangeFields(sandbox, code));
    expect(sandbox.stats.token).toBe(1);
  });

  it('accepts the fields sent as multipart form data', async () => {
    const code = await grantCode(sandbox);
    const form = new FormData();

    for (const [name, value] of Object.entries(exchangeFields(sandbox, code))) {
      form.append(name, value);
    }

    const response = await request(sandbox.endpoints.tokenUrl, {
      method: 'POST',
      body: form,
    });

    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toContain('"user_id":17841400000000001');
  });
});

describe('a code exchange the sandbox refuses', () => {
  it('refuses a code that was already used', async () => {
    const code = await grantCode(sandbox);

    await postToken(sandbox, exchangeFields(sandbox, code));
    const second = await postToken(sandbox, exchangeFields(sandbox, code));

    expect(second).toEqual({
      status: 400,
      text: oauthError('This authorization code has been used'),
    });
  });

  it('refuses a redirect URI that differs by a trailing slash', async () => {
    const code = await grantCode(sandbox);
    const answer = await postToken(sandbox, {
      ...exchangeFields(sandbox, code),
      redirect_uri: `${REDIRECT_URI}/`,
    });

    expect(answer).toEqual({
      status: 400,
      text: oauthError('Invalid redirect_uri'),
    });
  });

  it('refuses a code ten minutes old by the sandbox clock', async () => {
    const code = await grantCode(sandbox);

    now += 10 * MINUTE;
    const answer = await postToken(sandbox, exchangeFields(sandbox, code));

    expect(answer.text).toBe(oauthError('This authorization code has expired'));
  });

  it('accepts a code a moment short of ten minutes old', async () => {
    const code = await grantCode(sandbox);

    now += 10 * MINUTE - 1;
    const answer = await postToken(sandbox, exchangeFields(sandbox, code));

    expect(answer.status).toBe(200);
  });

  it('refuses a code_verifier that does not match the challenge', async () => {
    const code = await grantCode(sandbox, {
      code_challenge: s256(VERIFIER),
      code_challenge_method: 'S256',
    });
    const answer = await postToken(sandbox, {
      ...exchangeFields(sandbox, code),
      code_verifier: `${VERIFIER}x`,
    });

    expect(answer.text).toBe(oauthError('Invalid code_verifier'));
  });

  it('refuses an exchange without a verifier when a challenge was sent', async () => {
    const code = await grantCode(sandbox, {
      code_challenge: s256(VERIFIER),
      code_challenge_method: 'S256',
    });
    const answer = await postToken(sandbox, exchangeFields(sandbox, code));

    expect(answer.text).toBe(oauthError('Invalid code_verifier'));
  });

  it('accepts the verifier whose S256 hash is the challenge', async () => {
    const code = await grantCode(sandbox, {
      code_challenge: s256(VERIFIER),
      code_challenge_method: 'S256',
    });
    const answer = await postToken(sandbox, {
      ...exchangeFields(sandbox, code),
      code_verifier: VERIFIER,
    });

    expect(answer.status).toBe(200);
  });

  it('refuses a wrong client secret without echoing it', async () => {
    const code = await grantCode(sandbox);
    const answer = await postToken(sandbox, {
      ...exchangeFields(sandbox, code),
      client_secret: 'not-the-secret',
    });

    expect(answer.text).toBe(oauthError('Error validating client secret.'));
  });

  it('refuses a code the sandbox never issued', async () => {
    const answer = await postToken(sandbox, exchangeFields(sandbox, 'AQnope'));

    expect(answer.text).toBe(oauthError('Invalid authorization code'));
  });

  it('refuses a body that is not a form', async () => {
    const response = await request(sandbox.endpoints.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });

    await response.body.dump();
    expect(response.statusCode).toBe(415);
  });
});
