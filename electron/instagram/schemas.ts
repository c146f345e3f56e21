/**
 * Instagram's response bodies: parsed losslessly, then checked with zod.
 *
 * Instagram sends `user_id` as a JSON number above 2^53, which `JSON.parse`
 * rounds (DESIGN.md, "Instagram facts"; case bigint-id). Every number is
 * therefore parsed as a `LosslessNumber`, whose digits are kept as text:
 * ids become strings with their exact digits, counts and codes become
 * ordinary numbers.
 */
import { isLosslessNumber, type LosslessNumber, parse } from 'lossless-json';
import { z } from 'zod';

import {
  type InstagramProfile,
  type LongLivedToken,
  type ShortLivedToken,
} from '../core/types';

/** Parses JSON text, keeping every number's digits. Throws SyntaxError. */
export function parseInstagramJson(text: string): unknown {
  return parse(text);
}

/** A JSON number as parsed by lossless-json. */
const losslessNumber = z.custom<LosslessNumber>(isLosslessNumber);

/** A JSON number read as an ordinary number (codes, counts, seconds). */
const jsonNumber = z.union([
  z.number(),
  losslessNumber.transform((n) => Number(n.value)),
]);

/**
 * An Instagram id, from a JSON number of any size or a string of digits,
 * kept as the exact digits.
 */
export const instagramIdSchema = z
  .union([z.string(), losslessNumber.transform((n) => n.value)])
  .pipe(z.string().regex(/^\d{1,40}$/, 'expected an id of digits'));

const nonEmptyText = z.string().trim().min(1);

/** A field shown to the user but not needed: garbage reads as absent. */
function lenient<T extends z.ZodType>(schema: T) {
  return schema.optional().catch(undefined);
}

const count = jsonNumber.pipe(z.number().int().nonnegative());

/** Granted scopes: `"a,b"` or `["a","b"]`, as a clean list. */
const permissionsSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')))
  .transform((list) => list.map((scope) => scope.trim()).filter(Boolean));

const tokenFields = z.object({
  access_token: nonEmptyText,
  user_id: instagramIdSchema,
  permissions: permissionsSchema.optional(),
});

/**
 * The code exchange's answer, in either shape Instagram sends:
 * `{access_token, user_id}` or `{"data":[{access_token, user_id,
 * permissions}]}` (DESIGN.md, "Instagram facts"; case data-array).
 */
export const codeExchangeSchema = z
  .union([
    z
      .object({ data: z.tuple([tokenFields], tokenFields) })
      .transform((body) => body.data[0]),
    tokenFields,
  ])
  .transform((token): ShortLivedToken => ({
    accessToken: token.access_token,
    userId: token.user_id,
    permissions: token.permissions ?? [],
  }));

/**
 * The long-lived exchange's and the refresh's answer. `expires_in` is
 * checked apart (see `plausibleExpiresIn`) so that an odd value falls back
 * to a default instead of failing the whole exchange.
 */
export const longLivedSchema = z.object({
  access_token: nonEmptyText,
  token_type: lenient(z.string()),
  expires_in: z.unknown().optional(),
});

/** The long-lived answer as validated, before the expiry check. */
export type LongLivedBody = z.infer<typeof longLivedSchema>;

const DAY_SECONDS = 24 * 60 * 60;

/**
 * What a long-lived token is assumed to last when Instagram's `expires_in`
 * is missing or implausible: the documented 60 days minus one day, so the
 * refresh comes early rather than late ("Long-lived access tokens are
 * valid for 60 days", Instagram API with Instagram Login).
 */
export const LONG_LIVED_FALLBACK_SECONDS = 59 * DAY_SECONDS;

/** Above this `expires_in` is taken as nonsense: one year. */
export const MAX_PLAUSIBLE_EXPIRES_IN_SECONDS = 365 * DAY_SECONDS;

/**
 * Reads `expires_in` as whole seconds when it is a positive, finite number
 * (or numeric string) of at most a year; undefined otherwise.
 */
export function plausibleExpiresIn(raw: unknown): number | undefined {
  const seconds = Math.floor(toNumber(raw));
  const plausible =
    Number.isFinite(seconds) &&
    seconds >= 1 &&
    seconds <= MAX_PLAUSIBLE_EXPIRES_IN_SECONDS;

  return plausible ? seconds : undefined;
}

function toNumber(raw: unknown): number {
  if (isLosslessNumber(raw)) {
    return Number(raw.value);
  }
  if (typeof raw === 'number') {
    return raw;
  }
  if (typeof raw === 'string' && /^\d+(\.\d+)?$/.test(raw.trim())) {
    return Number(raw);
  }

  return Number.NaN;
}

/** Builds the token from a validated body and a checked lifetime. */
export function toLongLivedToken(
  body: LongLivedBody,
  expiresInSeconds: number,
): LongLivedToken {
  return {
    accessToken: body.access_token,
    tokenType: body.token_type ?? 'bearer',
    expiresInSeconds,
  };
}

/**
 * The `/me` answer. `user_id` is the professional account's id; `id` (the
 * app-scoped id Instagram always sends) stands in when it is missing.
 */
export const profileSchema = z
  .object({
    user_id: lenient(instagramIdSchema),
    id: lenient(instagramIdSchema),
    username: nonEmptyText,
    name: lenient(z.string()),
    account_type: lenient(z.string()),
    profile_picture_url: lenient(z.string()),
    followers_count: lenient(count),
    follows_count: lenient(count),
    media_count: lenient(count),
  })
  .refine((body) => body.user_id ?? body.id, {
    message: 'expected user_id or id',
    path: ['user_id'],
  })
  .transform((body): InstagramProfile => ({
    userId: body.user_id ?? body.id ?? '',
    username: body.username,
    name: body.name,
    accountType: body.account_type,
    profilePictureUrl: body.profile_picture_url,
    followersCount: body.followers_count,
    followsCount: body.follows_count,
    mediaCount: body.media_count,
  }));

/**
 * The OAuth endpoint's error: `{"error_type":"OAuthException","code":400,
 * "error_message":"..."}`; also the RFC 6749 section 5.2 shape
 * `{"error","error_description"}` some compatible servers send.
 */
export const oauthErrorSchema = z.union([
  z
    .object({
      error_type: z.string(),
      code: lenient(jsonNumber),
      error_message: lenient(z.string()),
    })
    .transform((body) => ({
      type: body.error_type,
      code: body.code,
      message: body.error_message,
    })),
  z
    .object({
      error: z.string(),
      error_description: lenient(z.string()),
    })
    .transform((body) => ({
      type: body.error,
      code: undefined,
      message: body.error_description,
    })),
]);

/** The Graph API's error: `{"error":{message,type,code,...}}`. */
export const graphErrorSchema = z
  .object({
    error: z.object({
      message: lenient(z.string()),
      type: lenient(z.string()),
      code: lenient(jsonNumber),
      error_subcode: lenient(jsonNumber),
      fbtrace_id: lenient(z.string()),
    }),
  })
  .transform((body) => body.error);

/** Where a body failed its schema, as field paths only (never values). */
export function describeIssues(error: z.ZodError): string {
  const paths = flattenIssues(error.issues).map((issue) =>
    issue.path.length > 0 ? issue.path.join('.') : 'body',
  );

  return [...new Set(paths)].slice(0, 4).join(', ');
}

/** A union's failure holds each option's issues; list them all. */
function flattenIssues(
  issues: readonly z.core.$ZodIssue[],
  parent: readonly PropertyKey[] = [],
): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    const path = [...parent, ...issue.path];

    return issue.code === 'invalid_union' && issue.errors.length > 0
      ? flattenIssues(issue.errors.flat(), path)
      : [{ ...issue, path }];
  });
}
