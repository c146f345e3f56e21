import {
  backoffDelay,
  DEFAULT_REFRESH_POLICY,
  pickJitter,
  type RefreshPolicy,
  type TokenTimes,
} from './policy';

/** The identity and token times of one account, as the memory needs them. */
export interface RememberedToken extends TokenTimes {
  userId: string;
}

/**
 * What the scheduler remembers between passes, in memory only: each
 * token's jitter (drawn once, so the due time does not move on every
 * pass) and each account's run of failures. Entries belong to one token:
 * once the account holds a newer token (refreshed or relinked) they are
 * ignored and replaced.
 */
export interface RefreshMemory {
  /** The jitter of the account's current token, drawn on first use. */
  jitterFor(token: RememberedToken): number;
  /** When the next retry is allowed, or undefined when not backing off. */
  retryAt(token: RememberedToken): number | undefined;
  /** Counts a failed refresh; returns when to try again. */
  recordFailure(token: RememberedToken, now: number): number;
  /** Forgets the account's failures (after a success or a removal). */
  forget(userId: string): void;
}

interface Entry<T> {
  tokenIssuedAt: number;
  value: T;
}

interface Backoff {
  failures: number;
  retryAt: number;
}

/** A fresh memory drawing jitter from `random`. */
export function createRefreshMemory(
  random: () => number,
  policy: RefreshPolicy = DEFAULT_REFRESH_POLICY,
): RefreshMemory {
  const jitters = new Map<string, Entry<number>>();
  const backoffs = new Map<string, Entry<Backoff>>();

  function current<T>(
    map: Map<string, Entry<T>>,
    token: RememberedToken,
  ): T | undefined {
    const entry = map.get(token.userId);

    return entry?.tokenIssuedAt === token.tokenIssuedAt
      ? entry.value
      : undefined;
  }

  function jitterFor(token: RememberedToken): number {
    const known = current(jitters, token);

    if (known !== undefined) {
      return known;
    }

    const value = pickJitter(token, random, policy);

    jitters.set(token.userId, { tokenIssuedAt: token.tokenIssuedAt, value });

    return value;
  }

  function recordFailure(token: RememberedToken, now: number): number {
    const failures = (current(backoffs, token)?.failures ?? 0) + 1;
    const retryAt = now + backoffDelay(failures, policy);

    backoffs.set(token.userId, {
      tokenIssuedAt: token.tokenIssuedAt,
      value: { failures, retryAt },
    });

    return retryAt;
  }

  return {
    jitterFor,
    retryAt: (token) => current(backoffs, token)?.retryAt,
    recordFailure,
    forget: (userId) => {
      backoffs.delete(userId);
      jitters.delete(userId);
    },
  };
}
