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
  const state: MemoryState = {
    random,
    policy,
    jitters: new Map(),
    backoffs: new Map(),
  };

  return {
    jitterFor: (token) => jitterFor(state, token),
    retryAt: (token) => current(state.backoffs, token)?.retryAt,
    recordFailure: (token, now) => recordFailure(state, token, now),
    forget: (userId) => {
      state.backoffs.delete(userId);
      state.jitters.delete(userId);
    },
  };
}

/** One memory's jitter source, policy and entries, by account id. */
interface MemoryState {
  random: () => number;
  policy: RefreshPolicy;
  jitters: Map<string, Entry<number>>;
  backoffs: Map<string, Entry<Backoff>>;
}

/** The entry's value while it belongs to the account's current token. */
function current<T>(
  map: Map<string, Entry<T>>,
  token: RememberedToken,
): T | undefined {
  const entry = map.get(token.userId);

  return entry?.tokenIssuedAt === token.tokenIssuedAt ? entry.value : undefined;
}

function jitterFor(state: MemoryState, token: RememberedToken): number {
  const known = current(state.jitters, token);

  if (known !== undefined) {
    return known;
  }

  const value = pickJitter(token, state.random, state.policy);

  state.jitters.set(token.userId, {
    tokenIssuedAt: token.tokenIssuedAt,
    value,
  });

  return value;
}

function recordFailure(
  state: MemoryState,
  token: RememberedToken,
  now: number,
): number {
  const failures = (current(state.backoffs, token)?.failures ?? 0) + 1;
  const retryAt = now + backoffDelay(failures, state.policy);

  state.backoffs.set(token.userId, {
    tokenIssuedAt: token.tokenIssuedAt,
    value: { failures, retryAt },
  });

  return retryAt;
}
