/**
 * When to refresh a linked account's long-lived token, as pure functions.
 *
 * Instagram's rules (Instagram API with Instagram Login, "Refresh a
 * long-lived token"; DESIGN.md, "Instagram facts"):
 * - a long-lived token can be refreshed once it is at least 24 hours old
 *   and not yet expired;
 * - a refreshed token is valid for 60 days from the refresh;
 * - an expired token cannot be refreshed: the user must connect again.
 *
 * Instalink's policy on top of those rules:
 * - refresh when the token is at least 24 hours old AND fewer than 30 days
 *   of validity remain, i.e. about 30 days after issue for a 60-day token,
 *   leaving a month of retries before anything is lost;
 * - add a random jitter (up to 6 hours) so that accounts linked together
 *   do not all refresh in the same minute, never moving the refresh before
 *   the 24-hour mark nor past expiry;
 * - after a failure, back off exponentially: 1 minute, doubling, capped at
 *   6 hours;
 * - warn the user when a token that could not be refreshed has fewer than
 *   7 days left.
 */

import { DAY_MS, HOUR_MS, MINUTE_MS } from '../core/time';

/** The numbers of the refresh policy; see the module comment. */
export interface RefreshPolicy {
  /** Instagram refuses to refresh a younger token: 24 hours. */
  minTokenAgeMs: number;
  /** Refresh once fewer than this remain: 30 days. */
  refreshWhenRemainingMs: number;
  /** Upper bound of the random delay added to the due time: 6 hours. */
  maxJitterMs: number;
  /** First retry delay after a failure: 1 minute. */
  backoffBaseMs: number;
  /** Longest retry delay: 6 hours. */
  backoffCapMs: number;
  /** Warn when an unrefreshed token has fewer than this left: 7 days. */
  expiryNoticeMs: number;
}

/** Instalink's refresh policy. */
export const DEFAULT_REFRESH_POLICY: Readonly<RefreshPolicy> = {
  minTokenAgeMs: DAY_MS,
  refreshWhenRemainingMs: 30 * DAY_MS,
  maxJitterMs: 6 * HOUR_MS,
  backoffBaseMs: MINUTE_MS,
  backoffCapMs: 6 * HOUR_MS,
  expiryNoticeMs: 7 * DAY_MS,
};

/** A token's life on the clock (ms since the epoch). */
export interface TokenTimes {
  tokenIssuedAt: number;
  tokenExpiresAt: number;
}

/** What to do with one account's token now. */
export type RefreshDecision =
  /** Not yet: look again at `at`. */
  | { action: 'wait'; at: number }
  /** Due: refresh it now. */
  | { action: 'refresh' }
  /** Past expiry: cannot be refreshed, the user must reconnect. */
  | { action: 'expired' };

/** The first moment Instagram accepts a refresh: issue plus 24 hours. */
export function refreshWindowOpensAt(
  token: TokenTimes,
  policy: RefreshPolicy = DEFAULT_REFRESH_POLICY,
): number {
  return token.tokenIssuedAt + policy.minTokenAgeMs;
}

/** True once the token has reached or passed its expiry. */
export function isExpired(token: TokenTimes, now: number): boolean {
  return now >= token.tokenExpiresAt;
}

/**
 * The due time before jitter: 24 hours after issue or 30 days before
 * expiry, whichever comes later.
 */
export function baseDueAt(
  token: TokenTimes,
  policy: RefreshPolicy = DEFAULT_REFRESH_POLICY,
): number {
  const whenLittleRemains =
    token.tokenExpiresAt - policy.refreshWhenRemainingMs;

  return Math.max(refreshWindowOpensAt(token, policy), whenLittleRemains);
}

/**
 * A jitter for one token, from `random()` in [0, 1). It is at most 6 hours
 * and at most half the time between the base due time and expiry, so a
 * short-lived token is still refreshed before it expires.
 */
export function pickJitter(
  token: TokenTimes,
  random: () => number,
  policy: RefreshPolicy = DEFAULT_REFRESH_POLICY,
): number {
  const room = Math.max(0, token.tokenExpiresAt - baseDueAt(token, policy));
  const bound = Math.min(policy.maxJitterMs, room / 2);

  return Math.floor(clampUnit(random()) * bound);
}

/** When the token should be refreshed, jitter included. */
export function refreshDueAt(
  token: TokenTimes,
  jitterMs: number,
  policy: RefreshPolicy = DEFAULT_REFRESH_POLICY,
): number {
  return baseDueAt(token, policy) + Math.max(0, jitterMs);
}

/**
 * What to do with a token at `now`. An expired token is never refreshed
 * (Instagram refuses it); a token younger than 24 hours never is either.
 */
export function decideRefresh(
  token: TokenTimes,
  now: number,
  jitterMs: number,
  policy: RefreshPolicy = DEFAULT_REFRESH_POLICY,
): RefreshDecision {
  if (isExpired(token, now)) {
    return { action: 'expired' };
  }

  const dueAt = refreshDueAt(token, jitterMs, policy);

  if (now >= dueAt) {
    return { action: 'refresh' };
  }

  return { action: 'wait', at: Math.min(dueAt, token.tokenExpiresAt) };
}

/**
 * How long to wait before retry number `failures` (1 for the first
 * failure): 1 minute, doubling each time, capped at 6 hours.
 */
export function backoffDelay(
  failures: number,
  policy: RefreshPolicy = DEFAULT_REFRESH_POLICY,
): number {
  const doublings = Math.max(0, Math.floor(failures) - 1);

  // Past 2^52 the product stops being exact; the cap is long reached.
  const delay = policy.backoffBaseMs * 2 ** Math.min(doublings, 52);

  return Math.min(delay, policy.backoffCapMs);
}

/**
 * True when the token has fewer than 7 days left (or is already past
 * expiry): at that point refreshes have been failing for weeks and the
 * user should hear about it.
 */
export function isExpiringSoon(
  token: TokenTimes,
  now: number,
  policy: RefreshPolicy = DEFAULT_REFRESH_POLICY,
): boolean {
  return token.tokenExpiresAt - now < policy.expiryNoticeMs;
}

/**
 * The requested scopes that Instagram did not grant, in request order,
 * without duplicates. Names are compared trimmed and case-insensitively
 * (Instagram writes them in lower case). An empty `granted` list means
 * every requested scope is missing; a caller whose exchange response did
 * not list permissions must not call this.
 */
export function compareScopes(
  requested: readonly string[],
  granted: readonly string[],
): string[] {
  const grantedNames = new Set(granted.map(normalizeScope));
  const missing = requested
    .map((scope) => scope.trim())
    .filter(
      (scope) => scope !== '' && !grantedNames.has(normalizeScope(scope)),
    );

  return [...new Set(missing)];
}

function normalizeScope(scope: string): string {
  return scope.trim().toLowerCase();
}

/** Keeps a random draw inside [0, 1) even if an injected source misbehaves. */
function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    return 0;
  }

  return Math.min(value, 1 - Number.EPSILON);
}
