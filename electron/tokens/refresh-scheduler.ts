import pLimit, { type LimitFunction } from 'p-limit';

import { type Logger } from '../core/logger';
import { HOUR_MS } from '../core/time';
import {
  type AccountStore,
  type AccountSummary,
  type Clock,
} from '../core/types';
import { AccountNotFoundError, RefreshTooEarlyError } from './errors';
import {
  decideRefresh,
  DEFAULT_REFRESH_POLICY,
  isExpiringSoon,
  type RefreshPolicy,
} from './policy';
import {
  attemptRefresh,
  type RefreshApi,
  type RefreshApiFor,
  type RefreshAttemptDeps,
  type RefreshMode,
  type RefreshOutcome,
} from './refresh-attempt';
import { createRefreshMemory } from './refresh-memory';

/** The timer functions the scheduler arms; Node's by default. */
export interface SchedulerTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export { type RefreshApi, type RefreshApiFor } from './refresh-attempt';

/** What `createRefreshScheduler` needs. */
export interface RefreshSchedulerOptions {
  accounts: AccountStore;
  /**
   * The API of the provider that linked each account, asked per attempt.
   * Wins over `api`.
   */
  apiFor?: RefreshApiFor;
  /** One API for every account: for callers with a single provider. */
  api?: RefreshApi;
  clock: Clock;
  logger: Logger;
  /** Source of jitter, in [0, 1); `Math.random` by default. */
  random?: () => number;
  /** Refreshes in flight at once during a pass; 3 by default. */
  concurrency?: number;
  timers?: SchedulerTimers;
  /** Overrides of the policy's numbers (policy.ts); for tests. */
  policy?: Partial<RefreshPolicy>;
}

/** What one pass did, by account id. */
export interface RefreshReport {
  /** Refreshed and saved. */
  refreshed: string[];
  /** Marked "reconnect needed" during this pass. */
  reconnectNeeded: string[];
  /** Failed; retried after a backoff. */
  retrying: string[];
  /** Removed while their refresh was in flight; the new token let go. */
  dropped: string[];
  /** When the next account falls due (clock ms); undefined if none. */
  nextDueAt: number | undefined;
}

/** Keeps every linked account's token alive. */
export interface RefreshScheduler {
  /** Runs a pass at once (start-up), then on a timer until `stop`. */
  start(): void;
  /** Disarms the timer; refreshes in flight finish and are saved. */
  stop(): void;
  /** Refreshes every due account; one pass at a time (callers share it). */
  runDue(): Promise<RefreshReport>;
  /**
   * Refreshes one account now, whether due or not, without queueing
   * behind a pass (an attempt already running for the account is shared,
   * so there is still one per account). Resolves with its summary,
   * "reconnect needed" included (an account already marked is returned
   * as it is, with no request); rejects with `AccountNotFoundError`,
   * `RefreshTooEarlyError` (younger than 24 h), or the client's error when
   * Instagram failed and a retry is scheduled.
   */
  refreshNow(userId: string): Promise<AccountSummary>;
  /** Runs a pass after the computer wakes (powerMonitor `resume`). */
  onWake(): void;
  /** Active accounts whose token expires within the notice threshold. */
  expiring(): AccountSummary[];
}

/** The longest the timer sleeps, so a machine that slept catches up. */
export const MAX_TIMER_DELAY_MS = HOUR_MS;

/** The shortest, so an account that stays due cannot spin the timer. */
export const MIN_TIMER_DELAY_MS = 1_000;

const DEFAULT_CONCURRENCY = 3;

/** Node's timers, unref'd so an armed timer never keeps a process alive. */
const nodeTimers: SchedulerTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * A scheduler that refreshes long-lived tokens inside Instagram's window
 * (policy.ts) at start-up, on a timer and after wake, at most
 * `concurrency` at a time and one at a time per account.
 */
export function createRefreshScheduler(
  options: RefreshSchedulerOptions,
): RefreshScheduler {
  const state = newSchedulerState(options);

  return {
    start: () => startScheduler(state),
    stop: () => stopScheduler(state),
    runDue: () => runDue(state),
    refreshNow: (userId) => refreshNow(state, userId),
    onWake: () => wake(state),
    expiring: () => expiringAccounts(state.deps),
  };
}

/** One scheduler's parts and what it has under way. */
interface SchedulerState {
  deps: RefreshAttemptDeps;
  timers: SchedulerTimers;
  limit: LimitFunction;
  inFlight: Map<string, Promise<RefreshOutcome>>;
  /** The pass under way, shared by every caller of `runDue`. */
  pass?: Promise<RefreshReport>;
  /** The armed timer's handle; undefined when disarmed. */
  timer?: unknown;
  /** Between `start` and `stop`: only then does the timer re-arm. */
  running: boolean;
}

function newSchedulerState(options: RefreshSchedulerOptions): SchedulerState {
  const policy = { ...DEFAULT_REFRESH_POLICY, ...options.policy };
  const deps: RefreshAttemptDeps = {
    accounts: options.accounts,
    apiFor: apiLookup(options),
    clock: options.clock,
    log: options.logger.child('refresh-scheduler'),
    memory: createRefreshMemory(options.random ?? Math.random, policy),
    policy,
  };

  return {
    deps,
    timers: options.timers ?? nodeTimers,
    limit: pLimit(options.concurrency ?? DEFAULT_CONCURRENCY),
    inFlight: new Map(),
    running: false,
  };
}

/** Throws `TypeError` when neither `apiFor` nor `api` is given. */
function apiLookup(options: RefreshSchedulerOptions): RefreshApiFor {
  const { apiFor, api } = options;

  if (apiFor) {
    return apiFor;
  }

  if (!api) {
    throw new TypeError('createRefreshScheduler needs `apiFor` or `api`');
  }

  return () => api;
}

function startScheduler(state: SchedulerState): void {
  if (!state.running) {
    state.running = true;
    runInBackground(state);
  }
}

function stopScheduler(state: SchedulerState): void {
  state.running = false;
  disarm(state);
}

function wake(state: SchedulerState): void {
  if (state.running) {
    runInBackground(state);
  }
}

/** One attempt per account at a time: later callers share it. */
function refreshOnce(
  state: SchedulerState,
  userId: string,
  mode: RefreshMode,
): Promise<RefreshOutcome> {
  const current = state.inFlight.get(userId);

  if (current) {
    return current;
  }

  const attempt = attemptRefresh(state.deps, userId, mode).finally(() =>
    state.inFlight.delete(userId),
  );

  state.inFlight.set(userId, attempt);

  return attempt;
}

async function runPass(state: SchedulerState): Promise<RefreshReport> {
  const { deps, limit } = state;
  const candidates = deps.accounts
    .list()
    .filter((account) => isCandidate(deps, account));
  const outcomes = await Promise.all(
    candidates.map((account) =>
      limit(() => refreshOnce(state, account.userId, 'due')),
    ),
  );

  return buildReport(candidates, outcomes, nextDueAt(deps));
}

function runDue(state: SchedulerState): Promise<RefreshReport> {
  state.pass ??= runPass(state).finally(() => {
    state.pass = undefined;
    arm(state);
  });

  return state.pass;
}

function runInBackground(state: SchedulerState): void {
  runDue(state).catch((error: unknown) => {
    // The logger redacts the error's message and stack.
    state.deps.log.error('refresh pass failed', { error });
  });
}

/** Sleeps until the next account is due, within the delay bounds. */
function arm(state: SchedulerState): void {
  if (!state.running) {
    return;
  }

  disarm(state);

  const next = nextDueAt(state.deps) ?? Infinity;
  const delay = clamp(next - state.deps.clock.now());

  state.timer = state.timers.setTimeout(() => {
    state.timer = undefined;
    runInBackground(state);
  }, delay);
}

function disarm(state: SchedulerState): void {
  if (state.timer !== undefined) {
    state.timers.clearTimeout(state.timer);
    state.timer = undefined;
  }
}

async function refreshNow(
  state: SchedulerState,
  userId: string,
): Promise<AccountSummary> {
  if (!state.deps.accounts.get(userId)) {
    throw new AccountNotFoundError(userId);
  }

  const outcome = await refreshOnce(state, userId, 'now');

  return summaryAfter(state.deps.accounts, userId, outcome);
}

/** True when a pass should look at the account now. */
function isCandidate(
  deps: RefreshAttemptDeps,
  account: AccountSummary,
): boolean {
  return (
    account.status === 'active' && checkAt(deps, account) <= deps.clock.now()
  );
}

/**
 * When the account next needs a look: its due time, its retry time while
 * backing off, or its expiry (to mark it), whichever applies.
 */
function checkAt(deps: RefreshAttemptDeps, account: AccountSummary): number {
  const now = deps.clock.now();
  const jitter = deps.memory.jitterFor(account);
  const decision = decideRefresh(account, now, jitter, deps.policy);

  if (decision.action === 'expired') {
    return now;
  }

  const retryAt = deps.memory.retryAt(account) ?? -Infinity;
  const dueAt = decision.action === 'wait' ? decision.at : now;

  return Math.min(Math.max(dueAt, retryAt), account.tokenExpiresAt);
}

function nextDueAt(deps: RefreshAttemptDeps): number | undefined {
  const times = deps.accounts
    .list()
    .filter((account) => account.status === 'active')
    .map((account) => checkAt(deps, account));

  return times.length > 0 ? Math.min(...times) : undefined;
}

function buildReport(
  candidates: AccountSummary[],
  outcomes: RefreshOutcome[],
  next: number | undefined,
): RefreshReport {
  const report: RefreshReport = {
    refreshed: [],
    reconnectNeeded: [],
    retrying: [],
    dropped: [],
    nextDueAt: next,
  };
  const lists: Partial<Record<RefreshOutcome['kind'], string[]>> = {
    refreshed: report.refreshed,
    'reconnect-needed': report.reconnectNeeded,
    retrying: report.retrying,
    dropped: report.dropped,
  };

  outcomes.forEach((outcome, index) => {
    lists[outcome.kind]?.push(candidates[index]?.userId ?? '');
  });

  return report;
}

/** The summary to hand back for `refreshNow`, or the error to throw. */
function summaryAfter(
  accounts: AccountStore,
  userId: string,
  outcome: RefreshOutcome,
): AccountSummary {
  if (outcome.kind === 'too-early') {
    throw new RefreshTooEarlyError(userId, outcome.allowedFrom);
  }

  if (outcome.kind === 'retrying') {
    throw outcome.error;
  }

  const summary = accounts.get(userId);

  if (!summary) {
    throw new AccountNotFoundError(userId);
  }

  return summary;
}

function expiringAccounts(deps: RefreshAttemptDeps): AccountSummary[] {
  const now = deps.clock.now();

  return deps.accounts
    .list()
    .filter(
      (account) =>
        account.status === 'active' &&
        isExpiringSoon(account, now, deps.policy),
    )
    .sort((a, b) => a.tokenExpiresAt - b.tokenExpiresAt);
}

function clamp(delay: number): number {
  return Math.min(MAX_TIMER_DELAY_MS, Math.max(MIN_TIMER_DELAY_MS, delay));
}
