import { type IncomingMessage, type ServerResponse } from 'node:http';

import { type SandboxContext } from './context';
import { type AuthorizationCode } from './grants';
import {
  oauthErrorJson,
  rawJsonId,
  rawJsonObject,
  readForm,
  sendJson,
} from './http-io';
import { secretsMatch, verifierMatchesChallenge } from './secrets';

/**
 * `POST /oauth/access_token`: trades a code for a short-lived token, with
 * the checks of RFC 6749 section 4.1.3 (same client, same redirect URI,
 * code unused and fresh) and RFC 7636 section 4.6 when PKCE was used.
 */
export async function exchangeCode(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const form = await readForm(req);
  const grant = ctx.grants.findCode(form.get('code') ?? '');
  const problem = clientProblem(ctx, form) ?? codeProblem(ctx, form, grant);

  if (problem !== undefined || grant === undefined) {
    ctx.logger.info('code exchange refused', { reason: problem });
    return sendJson(res, 400, oauthErrorJson(problem ?? INVALID_CODE));
  }

  // Spent before answering: a second exchange must fail even if this
  // answer is lost on the way.
  grant.used = true;

  const accessToken = ctx.grants.issueToken(
    'short-lived',
    grant.userId,
    grant.scopes,
  );

  ctx.logger.info('code exchanged', { userId: grant.userId });
  sendJson(res, 200, tokenResponse(ctx, accessToken, grant));
}

const INVALID_CODE = 'Invalid authorization code';

function clientProblem(
  ctx: SandboxContext,
  form: URLSearchParams,
): string | undefined {
  if (form.get('client_id') !== ctx.appId) return 'Invalid platform app';
  if (!secretsMatch(form.get('client_secret') ?? '', ctx.appSecret)) {
    return 'Error validating client secret.';
  }

  return form.get('grant_type') === 'authorization_code'
    ? undefined
    : 'Unsupported grant_type: use authorization_code';
}

function codeProblem(
  ctx: SandboxContext,
  form: URLSearchParams,
  grant: AuthorizationCode | undefined,
): string | undefined {
  if (grant === undefined) return INVALID_CODE;
  if (grant.used) return 'This authorization code has been used';
  if (ctx.grants.isCodeExpired(grant)) {
    return 'This authorization code has expired';
  }
  // Byte-identical, as Instagram compares it (DESIGN.md).
  if (form.get('redirect_uri') !== grant.redirectUri) {
    return 'Invalid redirect_uri';
  }

  return pkceProblem(form, grant);
}

function pkceProblem(
  form: URLSearchParams,
  grant: AuthorizationCode,
): string | undefined {
  if (grant.codeChallenge === undefined) return undefined;

  const verifier = form.get('code_verifier') ?? '';

  return verifierMatchesChallenge(verifier, grant.codeChallenge)
    ? undefined
    : 'Invalid code_verifier';
}

/**
 * Either of the two shapes Instagram is seen to answer with, the user id
 * always a raw JSON number above 2^53.
 */
function tokenResponse(
  ctx: SandboxContext,
  accessToken: string,
  grant: AuthorizationCode,
): string {
  const fields: Array<readonly [string, string]> = [
    ['access_token', JSON.stringify(accessToken)],
    ['user_id', rawJsonId(grant.userId)],
  ];

  if (ctx.tokenShape === 'flat') return rawJsonObject(fields);

  fields.push(['permissions', JSON.stringify(grant.scopes.join(','))]);
  return `{"data":[${rawJsonObject(fields)}]}`;
}
