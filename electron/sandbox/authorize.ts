import { type IncomingMessage, type ServerResponse } from 'node:http';

import { INSTAGRAM_SCOPES } from '../core/types';
import { type ConsentDetails, type ConsentRequest } from './consents';
import { type SandboxContext } from './context';
import { readForm, sendRedirect } from './http-io';
import { renderConsentPage, renderErrorPage, sendPage } from './pages';
import {
  formActionSource,
  redirectUriProblem,
  withQuery,
} from './redirect-uri';
import { findUser } from './users';

/** Parameters RFC 6749 section 3.1 says must not be repeated. */
const SINGLE_PARAMS = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
];

/** Instagram's refusal text, as its redirect carries it. */
const DENIED_DESCRIPTION = 'The user denied your request';

const EXPIRED_CONSENT =
  'This consent page has expired or was already answered.';

type QueryCheck = (
  ctx: SandboxContext,
  query: URLSearchParams,
) => string | undefined;

/**
 * `GET /oauth/authorize`: validates the request and shows the consent
 * page, or an error page. Errors never redirect: the redirect URI is not
 * trusted until it has been checked (RFC 6749 section 4.1.2.1).
 */
export function showConsentPage(
  ctx: SandboxContext,
  res: ServerResponse,
  query: URLSearchParams,
): void {
  const problem = authorizeProblem(ctx, query);

  if (problem !== undefined) {
    ctx.logger.info('authorize request refused', { reason: problem });
    return sendPage(res, 400, renderErrorPage(problem));
  }

  const request = consentRequest(query);
  const consentId = ctx.consents.open(request);
  const html = renderConsentPage({
    consentId,
    appId: ctx.appId,
    request,
    users: ctx.users,
  });

  sendPage(res, 200, html, [formActionSource(request.redirectUri)]);
}

function authorizeProblem(
  ctx: SandboxContext,
  query: URLSearchParams,
): string | undefined {
  const checks: QueryCheck[] = [
    repeatedParamProblem,
    clientIdProblem,
    (_ctx, q) => redirectUriProblem(q.get('redirect_uri') ?? ''),
    responseTypeProblem,
    scopeProblem,
    pkceProblem,
  ];

  for (const check of checks) {
    const problem = check(ctx, query);

    if (problem !== undefined) return problem;
  }

  return undefined;
}

const repeatedParamProblem: QueryCheck = (_ctx, query) => {
  const repeated = SINGLE_PARAMS.find((name) => query.getAll(name).length > 1);

  return repeated === undefined
    ? undefined
    : `The parameter ${repeated} is repeated`;
};

const clientIdProblem: QueryCheck = (ctx, query) =>
  query.get('client_id') === ctx.appId ? undefined : 'Invalid platform app';

const responseTypeProblem: QueryCheck = (_ctx, query) =>
  query.get('response_type') === 'code'
    ? undefined
    : 'Unsupported response_type: Instagram Login uses response_type=code';

const scopeProblem: QueryCheck = (_ctx, query) => {
  const scopes = parseScopes(query.get('scope') ?? '');
  const known: readonly string[] = INSTAGRAM_SCOPES;
  const unknown = scopes.filter((scope) => !known.includes(scope));

  if (scopes.length === 0) return 'Ask for at least one scope';
  return unknown.length > 0
    ? `Invalid Scopes: ${unknown.join(', ')}`
    : undefined;
};

// RFC 7636 section 4.2: an S256 challenge is 43 base64url characters.
// Only S256 is offered; `plain` protects nothing against a watched redirect.
const pkceProblem: QueryCheck = (_ctx, query) => {
  const challenge = query.get('code_challenge');

  if (challenge === null) return undefined;
  if (query.get('code_challenge_method') !== 'S256') {
    return 'Unsupported code_challenge_method: use S256';
  }

  return /^[A-Za-z0-9_-]{43}$/.test(challenge)
    ? undefined
    : 'Invalid code_challenge: expected 43 base64url characters';
};

/** Instagram separates scopes with commas; spaces are tolerated too. */
function parseScopes(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((scope) => scope !== ''))];
}

function consentRequest(query: URLSearchParams): ConsentDetails {
  return {
    redirectUri: query.get('redirect_uri') ?? '',
    scopes: parseScopes(query.get('scope') ?? ''),
    state: query.get('state') ?? undefined,
    codeChallenge: query.get('code_challenge') ?? undefined,
    forceReauth: query.get('force_reauth') === 'true',
  };
}

/**
 * `POST /oauth/authorize`: the consent form's answer. Allow issues a code
 * bound to the redirect URI and PKCE challenge; Deny, or Allow while the
 * `refuse` switch is on, sends Instagram's refusal.
 */
export async function answerConsentForm(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const form = await readForm(req);
  const request = ctx.consents.take(form.get('consent') ?? '');
  const decision = form.get('decision');

  if (request === undefined) {
    return sendPage(res, 400, renderErrorPage(EXPIRED_CONSENT));
  }
  if (decision !== 'allow' && decision !== 'deny') {
    return sendPage(res, 400, renderErrorPage('Choose Allow or Deny.'));
  }

  const refused = ctx.failures.take('authorize', (f) => f === 'refuse');

  if (decision === 'deny' || refused !== undefined) {
    ctx.logger.info('consent denied', { bySwitch: refused !== undefined });
    return sendRedirect(res, deniedRedirect(request));
  }

  allow(ctx, res, request, form);
}

function allow(
  ctx: SandboxContext,
  res: ServerResponse,
  request: ConsentRequest,
  form: URLSearchParams,
): void {
  const user = findUser(ctx.users, form.get('account') ?? '');
  const ticked = form.getAll('scope');

  if (user === undefined) {
    return sendPage(res, 400, renderErrorPage('Choose a sandbox account.'));
  }

  const code = ctx.grants.issueCode({
    userId: user.userId,
    redirectUri: request.redirectUri,
    scopes: request.scopes.filter((scope) => ticked.includes(scope)),
    codeChallenge: request.codeChallenge,
  });

  ctx.logger.info('consent allowed', { userId: user.userId });
  sendRedirect(res, approvedRedirect(request, code));
}

// Instagram appends `#_` to the redirect after a grant (DESIGN.md).
function approvedRedirect(request: ConsentRequest, code: string): string {
  const params = new URLSearchParams({ code });

  if (request.state !== undefined) params.set('state', request.state);
  return `${withQuery(request.redirectUri, params)}#_`;
}

function deniedRedirect(request: ConsentRequest): string {
  const params = new URLSearchParams({
    error: 'access_denied',
    error_reason: 'user_denied',
    error_description: DENIED_DESCRIPTION,
  });

  if (request.state !== undefined) params.set('state', request.state);
  return withQuery(request.redirectUri, params);
}
