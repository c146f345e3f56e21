import { type IncomingMessage, type ServerResponse } from 'node:http';

import { type SandboxContext } from './context';
import {
  type IssuedToken,
  LONG_LIVED_SECONDS,
  REFRESH_MIN_AGE_MS,
  type TokenCheck,
} from './grants';
import {
  type GraphErrorInput,
  graphErrorJson,
  rawJsonId,
  rawJsonObject,
  sendJson,
} from './http-io';
import { solidColorPng } from './png';
import { secretsMatch } from './secrets';
import { findUser, type SandboxUser } from './users';

/** The verdict on a Graph call: the error to answer, or the usable token. */
type GraphOutcome = { error: GraphErrorInput } | { token: IssuedToken };

const UNKNOWN_TOKEN = 'Invalid OAuth access token - Cannot parse access token';

/** `/me` needs the basic scope, as on Instagram. */
const BASIC_SCOPE = 'instagram_business_basic';

/**
 * `GET /access_token?grant_type=ig_exchange_token`: trades a valid
 * short-lived token for a long-lived one (about 60 days).
 */
export function exchangeForLongLived(
  ctx: SandboxContext,
  res: ServerResponse,
  query: URLSearchParams,
): void {
  const outcome = judgeExchange(ctx, query);

  if ('error' in outcome) return sendGraphError(ctx, res, 'exchange', outcome);
  sendLongLived(ctx, res, outcome.token);
}

function judgeExchange(
  ctx: SandboxContext,
  query: URLSearchParams,
): GraphOutcome {
  if (query.get('grant_type') !== 'ig_exchange_token') {
    return invalidParameter('Unsupported grant_type: use ig_exchange_token');
  }
  if (!secretsMatch(query.get('client_secret') ?? '', ctx.appSecret)) {
    return { error: { message: 'Error validating client secret.', code: 101 } };
  }

  const outcome = judgeToken(ctx.grants.checkToken(tokenParam(query)));

  if ('token' in outcome && outcome.token.kind !== 'short-lived') {
    return invalidParameter('The access token is already long-lived');
  }

  return outcome;
}

/**
 * `GET /refresh_access_token?grant_type=ig_refresh_token`: a new
 * long-lived token, only for one at least 24 hours old and not expired.
 */
export function refreshLongLived(
  ctx: SandboxContext,
  res: ServerResponse,
  query: URLSearchParams,
): void {
  const outcome = judgeRefresh(ctx, query);

  if ('error' in outcome) return sendGraphError(ctx, res, 'refresh', outcome);
  sendLongLived(ctx, res, outcome.token);
}

function judgeRefresh(
  ctx: SandboxContext,
  query: URLSearchParams,
): GraphOutcome {
  if (query.get('grant_type') !== 'ig_refresh_token') {
    return invalidParameter('Unsupported grant_type: use ig_refresh_token');
  }

  const outcome = judgeToken(ctx.grants.checkToken(tokenParam(query)));

  if (!('token' in outcome)) return outcome;
  if (outcome.token.kind !== 'long-lived') {
    return invalidParameter('Only long-lived access tokens can be refreshed');
  }
  if (ctx.grants.isTooYoungToRefresh(outcome.token)) {
    return invalidParameter(tooYoungMessage(outcome.token));
  }

  return outcome;
}

// Not error 190: the token is still good, so a client must not take this
// for "reconnect needed".
function tooYoungMessage(token: IssuedToken): string {
  const allowedFrom = new Date(token.issuedAt + REFRESH_MIN_AGE_MS);

  return (
    'The access token is less than 24 hours old and cannot be refreshed ' +
    `before ${allowedFrom.toISOString()}`
  );
}

function sendLongLived(
  ctx: SandboxContext,
  res: ServerResponse,
  source: IssuedToken,
): void {
  const accessToken = ctx.grants.issueToken(
    'long-lived',
    source.userId,
    source.scopes,
  );
  const body = rawJsonObject([
    ['access_token', JSON.stringify(accessToken)],
    ['token_type', '"bearer"'],
    ['expires_in', String(LONG_LIVED_SECONDS)],
  ]);

  ctx.logger.info('long-lived token issued', { userId: source.userId });
  sendJson(res, 200, body);
}

/**
 * `GET /<version>/me?fields=…`: the profile fields asked for, `user_id` as
 * a raw JSON number. The token comes as `access_token` or a Bearer header.
 */
export function showProfile(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
): void {
  const accessToken = tokenParam(query) || bearerToken(req);
  const outcome = judgeProfileToken(ctx, accessToken);

  if ('error' in outcome) return sendGraphError(ctx, res, 'me', outcome);

  const fields = parseFields(query.get('fields'));
  const unknown = fields.find((field) => !Object.hasOwn(PROFILE_FIELDS, field));

  if (unknown !== undefined) {
    return sendGraphError(ctx, res, 'me', nonexistingField(unknown));
  }

  sendJson(res, 200, profileJson(ctx, outcome.user, fields));
}

function judgeProfileToken(
  ctx: SandboxContext,
  accessToken: string,
): { error: GraphErrorInput } | { user: SandboxUser } {
  if (accessToken === '') {
    return {
      error: {
        message:
          'An active access token must be used to query information ' +
          'about the current user.',
        code: 2500,
      },
    };
  }

  const outcome = judgeToken(ctx.grants.checkToken(accessToken));

  if ('token' in outcome && !outcome.token.scopes.includes(BASIC_SCOPE)) {
    return {
      error: {
        message: `(#10) This call needs the ${BASIC_SCOPE} permission`,
        code: 10,
      },
    };
  }

  return profileOwner(ctx, outcome);
}

function profileOwner(
  ctx: SandboxContext,
  outcome: GraphOutcome,
): { error: GraphErrorInput } | { user: SandboxUser } {
  if ('error' in outcome) return outcome;

  const user = findUser(ctx.users, outcome.token.userId);

  return user === undefined ? tokenError(UNKNOWN_TOKEN) : { user };
}

// Graph answers a bare `/me` with the id alone.
function parseFields(text: string | null): string[] {
  const fields = (text ?? 'id').split(',').map((field) => field.trim());

  return [...new Set(fields.filter((field) => field !== ''))];
}

type FieldValue = (user: SandboxUser, baseUrl: string) => string;

/** Each `/me` field as JSON text; `id` is a string, `user_id` a number. */
const PROFILE_FIELDS: Record<string, FieldValue> = {
  id: (user) => JSON.stringify(user.userId),
  user_id: (user) => rawJsonId(user.userId),
  username: (user) => JSON.stringify(user.username),
  name: (user) => JSON.stringify(user.name),
  account_type: (user) => JSON.stringify(user.accountType),
  profile_picture_url: (user, baseUrl) =>
    JSON.stringify(avatarUrl(baseUrl, user.userId)),
  followers_count: (user) => String(user.followersCount),
  follows_count: (user) => String(user.followsCount),
  media_count: (user) => String(user.mediaCount),
};

function profileJson(
  ctx: SandboxContext,
  user: SandboxUser,
  fields: readonly string[],
): string {
  return rawJsonObject(
    fields.map((field) => [
      field,
      PROFILE_FIELDS[field]?.(user, ctx.baseUrl) ?? 'null',
    ]),
  );
}

function nonexistingField(field: string): { error: GraphErrorInput } {
  return invalidParameter(
    `(#100) Tried accessing nonexisting field (${field}) on node type (User)`,
  );
}

/** Where a simulated account's avatar is served. */
export function avatarUrl(baseUrl: string, userId: string): string {
  return `${baseUrl}/avatars/${userId}.png`;
}

/** `GET /avatars/<id>.png`: a generated solid-colour PNG, or a 404. */
export function sendAvatar(
  ctx: SandboxContext,
  res: ServerResponse,
  userId: string,
): boolean {
  const user = findUser(ctx.users, userId);

  if (user === undefined) return false;
  res.writeHead(200, {
    'content-type': 'image/png',
    'cache-control': 'no-store',
  });
  res.end(solidColorPng(user.avatarColor));
  return true;
}

/**
 * Error 190 for every token that cannot be used: the subcodes are Graph's
 * (458 app removed by the user, 463 expired).
 */
function judgeToken(check: TokenCheck): GraphOutcome {
  switch (check.status) {
    case 'valid':
      return { token: check.token };
    case 'unknown':
      return tokenError(UNKNOWN_TOKEN);
    case 'revoked':
      return tokenError(
        'Error validating access token: The user has not authorized application.',
        458,
      );
    case 'expired':
      return tokenError(
        'Error validating access token: Session has expired.',
        463,
      );
  }
}

function tokenError(
  message: string,
  subcode?: number,
): { error: GraphErrorInput } {
  return { error: { message, code: 190, subcode } };
}

function invalidParameter(message: string): { error: GraphErrorInput } {
  return { error: { message, code: 100 } };
}

function tokenParam(query: URLSearchParams): string {
  return query.get('access_token') ?? '';
}

function bearerToken(req: IncomingMessage): string {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');

  return match?.[1] ?? '';
}

function sendGraphError(
  ctx: SandboxContext,
  res: ServerResponse,
  endpoint: string,
  outcome: { error: GraphErrorInput },
): void {
  ctx.logger.info('graph call refused', {
    endpoint,
    code: outcome.error.code,
    subcode: outcome.error.subcode,
  });
  sendJson(res, 400, graphErrorJson(outcome.error));
}
