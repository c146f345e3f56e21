import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { type Sandbox, startSandbox } from '../../electron/sandbox/server';
import {
  authorizeUrlOf,
  SANDBOX_REDIRECT_URI as REDIRECT_URI,
  SANDBOX_TEST_START,
} from '../support/sandbox-http';

let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = await startSandbox({ clock: { now: () => SANDBOX_TEST_START } });
});

afterEach(async () => {
  await sandbox.close();
});

/** Asks for two scopes with the state `state-1`; `params` change these. */
function authorizeUrl(params: Record<string, string> = {}): string {
  return authorizeUrlOf(sandbox, {
    scope: 'instagram_business_basic,instagram_business_manage_comments',
    state: 'state-1',
    ...params,
  });
}

async function fetchPage(url: string) {
  const response = await request(url);

  return {
    status: response.statusCode,
    headers: response.headers,
    html: await response.body.text(),
  };
}

async function submitConsent(fields: Record<string, string | string[]>) {
  const form = new URLSearchParams();

  for (const [name, value] of Object.entries(fields)) {
    for (const item of [value].flat()) form.append(name, item);
  }

  const response = await request(sandbox.endpoints.authorizeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });

  await response.body.dump();
  return { status: response.statusCode, location: response.headers.location };
}

function consentId(html: string): string {
  return /name="consent" value="([0-9a-f]+)"/.exec(html)?.[1] ?? '';
}

describe('the consent page', () => {
  it('lists the requested scopes as ticked checkboxes and no others', async () => {
    const { status, html } = await fetchPage(authorizeUrl());
    const boxes = [...html.matchAll(/<input type="checkbox"[^>]*>/g)].map(
      (match) => match[0],
    );

    expect(status).toBe(200);
    expect(boxes).toEqual([
      '<input type="checkbox" name="scope" value="instagram_business_basic" checked>',
      '<input type="checkbox" name="scope" value="instagram_business_manage_comments" checked>',
    ]);
  });

  it('offers every simulated account with the first one chosen', async () => {
    const { html } = await fetchPage(authorizeUrl());
    const radios = [...html.matchAll(/<input type="radio"[^>]*>/g)].map(
      (match) => match[0],
    );

    expect(radios).toHaveLength(sandbox.users.length);
    expect(radios[0]).toContain(`value="${sandbox.users[0]?.userId}" checked`);
    expect(radios.slice(1).join('')).not.toContain('checked');
  });

  it('has an Allow and a Deny button posting to the authorize path', async () => {
    const { html } = await fetchPage(authorizeUrl());

    expect(html).toContain('<form method="post" action="/oauth/authorize">');
    expect(html).toMatch(/<button[^>]*value="allow"[^>]*>Allow<\/button>/);
    expect(html).toMatch(/<button[^>]*value="deny"[^>]*>Deny<\/button>/);
  });

  it('is served under a policy that loads nothing from elsewhere', async () => {
    const { headers, html } = await fetchPage(authorizeUrl());
    const policy = String(headers['content-security-policy']);

    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("form-action 'self' http://127.0.0.1:45678");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('escapes a state that tries to close an attribute and open a script', async () => {
    const state = '"><script>alert(1)</script>';
    const { html } = await fetchPage(authorizeUrl({ state }));

    expect(html).not.toContain('<script');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('escapes an account name that contains markup', async () => {
    const { html } = await fetchPage(authorizeUrl());

    expect(html).toContain('Zoë &amp; Co &lt;Studio&gt; &quot;Tag&quot;');
  });
});

describe('the consent answer', () => {
  it("redirects Allow to the redirect URI with a code, the state and Instagram's #_", async () => {
    const { html } = await fetchPage(authorizeUrl());
    const answer = await submitConsent({
      consent: consentId(html),
      decision: 'allow',
      account: '17841400000000002',
      scope: ['instagram_business_basic'],
    });

    expect(answer.status).toBe(302);
    expect(answer.location).toMatch(
      /^http:\/\/127\.0\.0\.1:45678\/callback\?code=AQ[0-9a-f]+&state=state-1#_$/,
    );
  });

  it("redirects Deny with Instagram's refusal parameters and the state", async () => {
    const { html } = await fetchPage(authorizeUrl());
    const answer = await submitConsent({
      consent: consentId(html),
      decision: 'deny',
    });

    expect(answer.status).toBe(302);
    expect(answer.location).toBe(
      `${REDIRECT_URI}?error=access_denied&error_reason=user_denied` +
        '&error_description=The+user+denied+your+request&state=state-1',
    );
  });

  it('keeps a redirect URI that already has a query exactly as sent', async () => {
    const redirectUri = `${REDIRECT_URI}?from=app`;
    const location = await sandbox.answerConsent(
      authorizeUrl({ redirect_uri: redirectUri }),
    );

    expect(location.startsWith(`${redirectUri}&code=`)).toBe(true);
  });

  it('accepts an IPv6 loopback redirect URI', async () => {
    const redirectUri = 'http://[::1]:45678/callback';
    const location = await sandbox.answerConsent(
      authorizeUrl({ redirect_uri: redirectUri }),
    );

    expect(location.startsWith(`${redirectUri}?code=`)).toBe(true);
  });

  it('answers a second submission of the same page with an error page', async () => {
    const { html } = await fetchPage(authorizeUrl());
    const fields = { consent: consentId(html), decision: 'allow' };
    const first = await submitConsent({
      ...fields,
      account: '17841400000000001',
    });
    const second = await submitConsent({
      ...fields,
      account: '17841400000000001',
    });

    expect(first.status).toBe(302);
    expect(second).toEqual({ status: 400, location: undefined });
  });

  it('refuses an account that the sandbox does not simulate', async () => {
    const { html } = await fetchPage(authorizeUrl());
    const answer = await submitConsent({
      consent: consentId(html),
      decision: 'allow',
      account: '1',
    });

    expect(answer).toEqual({ status: 400, location: undefined });
  });
});

describe('an authorize request the sandbox refuses', () => {
  it.each([
    [
      'an unknown client_id',
      { client_id: 'someone-else' },
      'Invalid platform app',
    ],
    [
      'a response_type other than code',
      { response_type: 'token' },
      'response_type',
    ],
    [
      'an unknown scope',
      { scope: 'instagram_basic' },
      'Invalid Scopes: instagram_basic',
    ],
    [
      'a PKCE challenge with the plain method',
      { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' },
      'code_challenge_method',
    ],
    [
      'a localhost redirect URI',
      { redirect_uri: 'http://localhost:45678/cb' },
      'redirect_uri',
    ],
    [
      'a plain-HTTP remote redirect URI',
      { redirect_uri: 'http://example.com/cb' },
      'redirect_uri',
    ],
    [
      'a javascript: redirect URI',
      { redirect_uri: 'javascript:alert(1)' },
      'redirect_uri',
    ],
    [
      'a redirect URI with a fragment',
      { redirect_uri: 'https://example.com/cb#x' },
      'fragment',
    ],
    [
      'a redirect URI with a space',
      { redirect_uri: 'https://example.com/a b' },
      'redirect_uri',
    ],
  ])(
    'shows an error page, without redirecting, for %s',
    async (_what, params, words) => {
      const { status, headers, html } = await fetchPage(authorizeUrl(params));

      expect(status).toBe(400);
      expect(headers.location).toBeUndefined();
      expect(html).toContain(words);
    },
  );

  it('shows an error page for a repeated redirect_uri', async () => {
    const url = `${authorizeUrl()}&redirect_uri=${encodeURIComponent('https://example.com/cb')}`;
    const { status, html } = await fetchPage(url);

    expect(status).toBe(400);
    expect(html).toContain('redirect_uri is repeated');
  });
});
