import { type Logger } from '../core/logger';
import {
  type AccountStore,
  type AccountSummary,
  type Clock,
  type InstagramApi,
  type LongLivedToken,
  type ReconnectReason,
} from '../core/types';
import {
  decideRefresh,
  isExpired,
  type RefreshPolicy,
  refreshWindowOpensAt,
} from './policy';
import { type RefreshMemory } from './refresh-memory';

/**
 * Why a refresh is attempted: `due` from a scheduled pass (only when the
 * policy says so and no backoff holds), `now` when the user asked (any
 * time Instagram allows: 24 hours after issue, before expiry).
 */
export type RefreshMode = 'due' | 'now';

/** How one account's refresh attempt ended. */
export type RefreshOutcome =
  | { kind: 'refreshed' }
  | { kind: 'reconnect-needed'; reason: ReconnectReason }
  | { kind: 'retrying'; error: unknown; retryAt: number }
  /** The account was removed before the result could be saved. */
  | { kind: 'dropped' }
  /** Nothing to do: not due, backing off, or not active. */
  | { kind: 'skipped' }
  | { kind: 'too-early'; allowedFrom: number };

/** What a refresh needs of the Instagram client. */
export type RefreshApi = Pick<InstagramApi, 'refreshLongLived'>;

/**
 * The API that refreshes one account: the one of the provider that linked
 * it. May start that provider (the sandbox) and so resolve later; a throw
 * counts as a failed refresh of that account only.
 */
export type RefreshApiFor = (
  account: AccountSummary,
) => RefreshApi | Promise<RefreshApi>;

/** The parts one refresh attempt works with. */
export interface RefreshAttemptDeps {
  accounts: AccountStore;
  apiFor: RefreshApiFor;
  clock: Clock;
  log: Logger;
  memory: RefreshMemory;
  policy: RefreshPolicy;
}

/**
 * Refreshes one account's token if the mode and policy allow, and records
 * the result on the account. Never throws: every failure becomes an
 * outcome, so one account's fault cannot stop a pass.
 */
export async function attemptRefresh(
  deps: RefreshAttemptDeps,
  userId: string,
  mode: RefreshMode,
): Promise<RefreshOutcome> {
  const account = deps.accounts.get(userId);

  if (account?.status !== 'active') {
    return account ? { kind: 'skipped' } : { kind: 'dropped' };
  }

  const blocked = checkAllowed(deps, account, mode);

  if (blocked) {
    return blocked;
  }

  try {
    return await refreshAndSave(deps, account);
  } catch (error) {
    return recordFailure(deps, account, error);
  }
}

/** The outcome that stops the attempt before any request, if one does. */
function checkAllowed(
  deps: RefreshAttemptDeps,
  account: AccountSummary,
  mode: RefreshMode,
): RefreshOutcome | undefined {
  const now = deps.clock.now();
  const jitter = deps.memory.jitterFor(account);
  const decision = decideRefresh(account, now, jitter, deps.policy);

  if (decision.action === 'expired') {
    return markReconnectNeeded(deps, account.userId, 'token-expired');
  }

  if (mode === 'now') {
    const allowedFrom = refreshWindowOpensAt(account, deps.policy);

    return now < allowedFrom ? { kind: 'too-early', allowedFrom } : undefined;
  }

  const retryAt = deps.memory.retryAt(account);
  const backingOff = retryAt !== undefined && now < retryAt;

  return decision.action === 'wait' || backingOff
    ? { kind: 'skipped' }
    : undefined;
}

/**
 * Reads the token, asks the account's provider for a new one, and saves
 * it. The store
 * writes the new token before the old one is dropped, and refuses when the
 * account was removed meanwhile: then the new token is let go.
 */
async function refreshAndSave(
  deps: RefreshAttemptDeps,
  account: AccountSummary,
): Promise<RefreshOutcome> {
  const token = readToken(deps, account.userId);

  if (token === undefined) {
    return unreadableOutcome(deps, account);
  }

  // Validity counts from Instagram's answer; the send time is a little
  // earlier, so the expiry saved errs on the safe side.
  const api = await deps.apiFor(account);
  const sentAt = deps.clock.now();
  const fresh = await api.refreshLongLived(token);

  if (replacedMeanwhile(deps, account)) return dropReplaced(deps, account);
  return saveRefreshed(deps, account.userId, fresh, sentAt);
}

/**
 * True when the account's token changed while its refresh was in flight:
 * the user linked it again. The answer concerns the old token, so it must
 * neither overwrite the new one nor mark the account (a tester's race).
 */
function replacedMeanwhile(
  deps: RefreshAttemptDeps,
  account: AccountSummary,
): boolean {
  const current = deps.accounts.get(account.userId);

  return (
    current !== undefined && current.tokenIssuedAt !== account.tokenIssuedAt
  );
}

function dropReplaced(
  deps: RefreshAttemptDeps,
  account: AccountSummary,
): RefreshOutcome {
  deps.memory.forget(account.userId);
  deps.log.info('refresh result dropped: account linked again meanwhile', {
    userId: account.userId,
  });

  return { kind: 'dropped' };
}

function saveRefreshed(
  deps: RefreshAttemptDeps,
  userId: string,
  fresh: LongLivedToken,
  issuedAt: number,
): RefreshOutcome {
  const saved = deps.accounts.saveRefreshedToken(userId, fresh, issuedAt);

  deps.memory.forget(userId);

  if (!saved) {
    deps.log.info('refreshed token dropped: account removed meanwhile', {
      userId,
    });

    return { kind: 'dropped' };
  }

  deps.log.info('token refreshed', { userId });

  return { kind: 'refreshed' };
}

/**
 * The account's token, or undefined when it cannot be decrypted: the store
 * then marks that account (and only it) `token-unreadable` and throws.
 */
function readToken(
  deps: RefreshAttemptDeps,
  userId: string,
): string | undefined {
  try {
    return deps.accounts.readToken(userId);
  } catch (error) {
    deps.log.warn('token could not be read', {
      userId,
      error: errorName(error),
    });

    return undefined;
  }
}

/** After an unreadable token: marked by the store, or a passing fault. */
function unreadableOutcome(
  deps: RefreshAttemptDeps,
  account: AccountSummary,
): RefreshOutcome {
  const after = deps.accounts.get(account.userId);

  if (!after) {
    return { kind: 'dropped' };
  }

  if (after.status === 'reconnect-needed') {
    return {
      kind: 'reconnect-needed',
      reason: after.reconnectReason ?? 'token-unreadable',
    };
  }

  return recordFailure(deps, account, new Error('token unreadable'));
}

/**
 * Graph error 190 means the token is expired or revoked: the account is
 * kept and marked. An account removed meanwhile is left alone. Any other failure is retried after a backoff, unless
 * the token has meanwhile expired, which no retry can mend.
 */
function recordFailure(
  deps: RefreshAttemptDeps,
  account: AccountSummary,
  error: unknown,
): RefreshOutcome {
  const now = deps.clock.now();

  deps.log.warn('token refresh failed', {
    userId: account.userId,
    ...describeFailure(error),
  });

  if (!deps.accounts.get(account.userId)) {
    return { kind: 'dropped' };
  }
  if (replacedMeanwhile(deps, account)) return dropReplaced(deps, account);

  if (isTokenInvalid(error) || isExpired(account, now)) {
    const reason = isExpired(account, now) ? 'token-expired' : 'token-revoked';

    return markReconnectNeeded(deps, account.userId, reason);
  }

  const retryAt = deps.memory.recordFailure(account, now);

  return { kind: 'retrying', error, retryAt };
}

function markReconnectNeeded(
  deps: RefreshAttemptDeps,
  userId: string,
  reason: ReconnectReason,
): RefreshOutcome {
  if (!deps.accounts.get(userId)) {
    return { kind: 'dropped' };
  }

  deps.accounts.markReconnectNeeded(userId, reason);
  deps.memory.forget(userId);
  deps.log.info('account needs reconnecting', { userId, reason });

  return { kind: 'reconnect-needed', reason };
}

/**
 * True for Instagram's "token invalid" (Graph code 190). Read as a flag
 * on the error rather than by class so that any `InstagramApi`
 * implementation (the client, a broker, a test double) can signal it.
 */
export function isTokenInvalid(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { tokenInvalid?: unknown }).tokenInvalid === true
  );
}

/**
 * Log fields for a failure: the error's name, kind and codes only. Its
 * message is left out, since an HTTP library's message may quote a URL
 * and the refresh URL carries the token.
 */
function describeFailure(error: unknown): Record<string, unknown> {
  const fields = error as { kind?: unknown; code?: unknown; status?: unknown };

  return {
    error: errorName(error),
    kind: typeof fields?.kind === 'string' ? fields.kind : undefined,
    code: typeof fields?.code === 'number' ? fields.code : undefined,
    status: typeof fields?.status === 'number' ? fields.status : undefined,
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
