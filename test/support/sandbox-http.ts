/**
 * The OAuth steps the sandbox tests take over real HTTP, the way the app
 * (or a careless client) would: build an authorize URL, answer the consent
 * page, and post Instagram's code-exchange form.
 *
 *     const code = await grantCode(sandbox, { state: 'state-1' });
 *     const answer = await postTokenForm(
 *       sandbox,
 *       codeExchangeFields(sandbox, code),
 *     );
 */
import { request } from 'undici';

import { type Sandbox } from '../../electron/sandbox/server';

/** The loopback redirect URI the sandbox tests send by default. */
export const SANDBOX_REDIRECT_URI = 'http://127.0.0.1:45678/callback';

/** Where the sandbox tests' clocks start: 1 January 2025, UTC. */
export const SANDBOX_TEST_START = Date.UTC(2025, 0, 1);

/**
 * The sandbox's authorize URL asking for `instagram_business_basic` with
 * a code; `params` add query fields or replace these, keeping their place.
 */
export function authorizeUrlOf(
  sandbox: Sandbox,
  params: Record<string, string> = {},
): string {
  const query = new URLSearchParams({
    client_id: sandbox.appId,
    redirect_uri: SANDBOX_REDIRECT_URI,
    response_type: 'code',
    scope: 'instagram_business_basic',
    ...params,
  });

  return `${sandbox.endpoints.authorizeUrl}?${query}`;
}

/**
 * Allows the consent page of `authorizeUrlOf(sandbox, params)`, granting
 * `scopes` (all those offered when left out), and returns the code the
 * redirect carries, or '' when it carries none.
 */
export async function grantCode(
  sandbox: Sandbox,
  params: Record<string, string> = {},
  scopes?: string[],
): Promise<string> {
  const location = await sandbox.answerConsent(
    authorizeUrlOf(sandbox, params),
    { scopes },
  );

  return new URL(location).searchParams.get('code') ?? '';
}

/** The form of Instagram's code exchange (`POST /oauth/access_token`). */
export function codeExchangeFields(
  sandbox: Sandbox,
  code: string,
  redirectUri = SANDBOX_REDIRECT_URI,
): Record<string, string> {
  return {
    client_id: sandbox.appId,
    client_secret: sandbox.appSecret,
    grant_type: 'authorization_code',
    redirect_uri: redirectUri,
    code,
  };
}

/** Posts `fields` as a urlencoded form to the sandbox's token endpoint. */
export async function postTokenForm(
  sandbox: Sandbox,
  fields: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const response = await request(sandbox.endpoints.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  return { status: response.statusCode, text: await response.body.text() };
}

/** The `access_token` in an answer's JSON text, or '' when it has none. */
export function accessTokenIn(text: string): string {
  return /"access_token":"(\w+)"/.exec(text)?.[1] ?? '';
}

/** Exchanges `code` for the short-lived token the sandbox issues for it. */
export async function exchangeCode(
  sandbox: Sandbox,
  code: string,
  redirectUri = SANDBOX_REDIRECT_URI,
): Promise<string> {
  const fields = codeExchangeFields(sandbox, code, redirectUri);

  return accessTokenIn((await postTokenForm(sandbox, fields)).text);
}
