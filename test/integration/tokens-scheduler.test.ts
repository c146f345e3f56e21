import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import { type Logger } from '../../electron/core/logger';
import {
  DAY_MS as DAY,
  HOUR_MS as HOUR,
  MINUTE_MS as MINUTE,
} from '../../electron/core/time';
import {
  type AccountStore,
  type Clock,
  INSTAGRAM_SCOPES,
  type InstagramApi,
  type LongLivedToken,
} from '../../electron/core/types';
import {
  createInstagramClient,
  type InstagramClient,
} from '../../electron/instagram/client';
import { InstagramError } from '../../electron/instagram/errors';
import { type Sandbox, startSandbox } from '../../electron/sandbox/server';
import { openInstalinkStorage } from '../../electron/storage/index';
import {
  AccountNotFoundError,
  RefreshTooEarlyError,
} from '../../electron/tokens/errors';
import {
  createRefreshScheduler,
  MAX_TIMER_DELAY_MS,
  type RefreshScheduler,
  type RefreshSchedulerOptions,
  type SchedulerTimers,
} from '../../electron/tokens/refresh-scheduler';
import { type LogLine, recordingLogger } from '../support/recording-logger';
import { REFRESH_SENT, type RefreshChildInput } from '../support/refresh-child';
import { createTestCipher } from '../support/test-cipher';

const START = Date.UTC(2025, 0, 1);
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD_SCRIPT = join(REPO_ROOT, 'test/support/refresh-child.ts');

/** A clock the sandbox and the scheduler share; tests move it by hand. */
interface ManualClock extends Clock {
  advance(ms: number): void;
}

function manualClock(start: number): ManualClock {
  let now = start;

  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

/** The real sandbox, client and store on disk, sharing one clock. */
interface Harness {
  clock: ManualClock;
  sandbox: Sandbox;
  client: InstagramClient;
  dataDir: string;
  /** The store file, as the storage module reports it. */
  filePath: string;
  accounts: AccountStore;
  logLines: LogLine[];
  logger: Logger;
  /** Opens the store file again, as a restarted app would. */
  reopen(): AccountStore;
}

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

async function openHarness(): Promise<Harness> {
  const clock = manualClock(START);
  const sandbox = await startSandbox({ clock });
  const dataDir = await mkdtemp(join(tmpdir(), 'instalink-tokens-'));
  const client = createInstagramClient({
    endpoints: sandbox.endpoints,
    appId: sandbox.appId,
    readAppSecret: () => sandbox.appSecret,
    timeouts: { connectMs: 5_000, headersMs: 5_000, bodyMs: 5_000 },
  });
  const logLines: LogLine[] = [];
  const logger = recordingLogger(logLines);
  const open = () =>
    openInstalinkStorage({
      dataDir,
      cipher: createTestCipher(),
      clock,
      logger,
    });
  const storage = open();

  cleanups.push(async () => {
    await client.close();
    await sandbox.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  return {
    clock,
    sandbox,
    client,
    dataDir,
    filePath: storage.filePath,
    accounts: storage.accounts,
    logLines,
    logger,
    reopen: () => open().accounts,
  };
}

function schedulerFor(
  h: Harness,
  options: Partial<RefreshSchedulerOptions> = {},
): RefreshScheduler {
  const scheduler = createRefreshScheduler({
    accounts: h.accounts,
    api: h.client,
    clock: h.clock,
    logger: h.logger,
    random: () => 0,
    ...options,
  });

  cleanups.push(async () => scheduler.stop());

  return scheduler;
}

/** An account id of the 17841… form, above 2^53 like Instagram's. */
function accountId(index: number): string {
  return (17_841_400_000_100_000n + BigInt(index)).toString();
}

/**
 * Links an account holding a long-lived token the sandbox really issued
 * (for one of its simulated users) at the clock's current time.
 */
function linkAccount(
  h: Harness,
  userId: string,
  lifetime?: { expiresInSeconds: number },
): LongLivedToken {
  const issued = h.sandbox.issueLongLivedToken(h.sandbox.users[0]!.userId);
  const longLived = { ...issued, ...lifetime };

  h.accounts.link({
    profile: { userId, username: `account_${userId.slice(-4)}` },
    scopes: [...INSTAGRAM_SCOPES],
    longLived,
    issuedAt: h.clock.now(),
  });

  return longLived;
}

/** A harness holding one linked account, the clock since moved on. */
interface AgedAccount {
  h: Harness;
  /** The account's id: `accountId(1)`. */
  id: string;
  /** The token it was linked with. */
  token: LongLivedToken;
}

/**
 * Opens a harness, links one account and moves the clock on by
 * `elapsedMs`: 31 days makes a 60-day token due for its refresh.
 */
async function openAccountAged(
  elapsedMs: number,
  lifetime?: { expiresInSeconds: number },
): Promise<AgedAccount> {
  const h = await openHarness();
  const id = accountId(1);
  const token = linkAccount(h, id, lifetime);

  h.clock.advance(elapsedMs);
  return { h, id, token };
}

/** A scheduler on `timers`, started, its start-up pass over. */
async function startedScheduler(
  h: Harness,
  timers: SchedulerTimers,
): Promise<RefreshScheduler> {
  const scheduler = schedulerFor(h, { timers });

  scheduler.start();
  await scheduler.runDue();
  return scheduler;
}

/** The account's token on disk works against the sandbox's `/me`. */
async function tokenWorks(h: Harness, accounts: AccountStore, id: string) {
  const profile = await h.client.fetchProfile(accounts.readToken(id));

  return profile.userId === h.sandbox.users[0]!.userId;
}

/** An api that holds each refresh until `release` is called. */
function gatedApi(api: Pick<InstagramApi, 'refreshLongLived'>) {
  let release!: () => void;
  let entered!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const started = new Promise<void>((resolve) => (entered = resolve));

  return {
    api: {
      refreshLongLived: async (token: string) => {
        entered();
        await gate;
        return api.refreshLongLived(token);
      },
    },
    started,
    release: () => release(),
  };
}

/** Timers that never fire by themselves; tests fire them. */
function manualTimers() {
  const armed = new Map<number, { callback: () => void; ms: number }>();
  let nextId = 1;
  const timers: SchedulerTimers = {
    setTimeout: (callback, ms) => {
      armed.set(nextId, { callback, ms });
      return nextId++;
    },
    clearTimeout: (handle) => {
      armed.delete(handle as number);
    },
  };

  return {
    timers,
    armed,
    fire() {
      const entries = [...armed.entries()];

      armed.clear();
      entries.forEach(([, timer]) => timer.callback());
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('refresh timing', () => {
  const TWO_DAY_TOKEN = { expiresInSeconds: (2 * DAY) / 1000 };

  it('does not refresh a token younger than 24 hours', async () => {
    const { h } = await openAccountAged(DAY - MINUTE, TWO_DAY_TOKEN);
    const report = await schedulerFor(h).runDue();

    expect(report.refreshed).toEqual([]);
    expect(h.sandbox.stats.refresh).toBe(0);
  });

  it('refreshes a short-lived token once it is 24 hours old', async () => {
    const { h, id } = await openAccountAged(DAY, TWO_DAY_TOKEN);
    const report = await schedulerFor(h).runDue();

    expect(report.refreshed).toEqual([id]);
    expect(h.accounts.get(id)?.tokenIssuedAt).toBe(START + DAY);
  });

  it('refuses an explicit refresh before the 24-hour mark', async () => {
    const { h, id } = await openAccountAged(23 * HOUR);

    await expect(schedulerFor(h).refreshNow(id)).rejects.toBeInstanceOf(
      RefreshTooEarlyError,
    );
    expect(h.sandbox.stats.refresh).toBe(0);
  });

  it('leaves a 60-day token alone until 30 days remain', async () => {
    const { h, token } = await openAccountAged(0);

    h.clock.advance(token.expiresInSeconds * 1000 - 30 * DAY - MINUTE);
    const report = await schedulerFor(h).runDue();

    expect(report.refreshed).toEqual([]);
    expect(h.sandbox.stats.refresh).toBe(0);
  });

  it('refreshes a 60-day token once 30 days remain', async () => {
    const { h, id, token } = await openAccountAged(0);

    h.clock.advance(token.expiresInSeconds * 1000 - 30 * DAY);
    await schedulerFor(h).runDue();

    expect(h.accounts.get(id)?.lastRefreshedAt).toBe(h.clock.now());
    expect(h.accounts.readToken(id)).not.toBe(token.accessToken);
  });

  it('waits out the jitter before refreshing', async () => {
    const { h, id, token } = await openAccountAged(0);
    const scheduler = schedulerFor(h, { random: () => 0.5 });

    h.clock.advance(token.expiresInSeconds * 1000 - 30 * DAY + 3 * HOUR - 1);
    const early = await scheduler.runDue();
    h.clock.advance(1);
    const due = await scheduler.runDue();

    expect([early.refreshed, due.refreshed]).toEqual([[], [id]]);
  });

  it('saves a refreshed token that works against the sandbox', async () => {
    const { h, id } = await openAccountAged(31 * DAY);

    await schedulerFor(h).runDue();

    expect(await tokenWorks(h, h.reopen(), id)).toBe(true);
  });

  it('marks an account expired when its token lapsed unrefreshed', async () => {
    const { h, id } = await openAccountAged(61 * DAY);

    const report = await schedulerFor(h).runDue();

    expect(report.reconnectNeeded).toEqual([id]);
    expect(h.accounts.get(id)?.reconnectReason).toBe('token-expired');
    expect(h.sandbox.stats.refresh).toBe(0);
  });
});

describe('refresh triggers', () => {
  it('runs a pass at start-up', async () => {
    const { h, id } = await openAccountAged(31 * DAY);
    const { timers } = manualTimers();

    const scheduler = schedulerFor(h, { timers });
    scheduler.start();
    await scheduler.runDue();

    expect(h.accounts.get(id)?.lastRefreshedAt).toBe(h.clock.now());
  });

  it('sleeps at most an hour when nothing is due soon', async () => {
    const { h } = await openAccountAged(0);
    const manual = manualTimers();

    await startedScheduler(h, manual.timers);

    expect([...manual.armed.values()].map((t) => t.ms)).toEqual([
      MAX_TIMER_DELAY_MS,
    ]);
  });

  it('arms its timer for the next due account', async () => {
    const { h, token } = await openAccountAged(0);
    const manual = manualTimers();

    h.clock.advance(token.expiresInSeconds * 1000 - 30 * DAY - 10 * MINUTE);
    await startedScheduler(h, manual.timers);

    expect([...manual.armed.values()].map((t) => t.ms)).toEqual([10 * MINUTE]);
  });

  it('refreshes when its timer fires after the due time', async () => {
    const { h, id } = await openAccountAged(0);
    const manual = manualTimers();

    const scheduler = await startedScheduler(h, manual.timers);
    h.clock.advance(31 * DAY);
    manual.fire();
    await scheduler.runDue();

    expect(h.accounts.get(id)?.lastRefreshedAt).toBe(h.clock.now());
  });

  it('refreshes after the computer wakes', async () => {
    const { h, id } = await openAccountAged(0);
    const manual = manualTimers();

    const scheduler = await startedScheduler(h, manual.timers);
    h.clock.advance(40 * DAY);
    scheduler.onWake();
    await scheduler.runDue();

    expect(h.accounts.get(id)?.lastRefreshedAt).toBe(h.clock.now());
  });

  it('disarms its timer on stop and arms none after', async () => {
    const { h } = await openAccountAged(0);
    const manual = manualTimers();

    const scheduler = await startedScheduler(h, manual.timers);
    scheduler.stop();
    await scheduler.runDue();

    expect(manual.armed.size).toBe(0);
  });
});

describe('refresh at scale', () => {
  // 1,000 atomic writes of a 500-account file (500 links, 500 saves)
  // take several seconds on a slow disk: a generous bound, not a speed test.
  it(
    'refreshes 500 due accounts at most three at a time, all fresh',
    {
      timeout: 120_000,
    },
    async () => {
      const h = await openHarness();
      const ids = Array.from({ length: 500 }, (_, index) => accountId(index));
      let inFlight = 0;
      let maxInFlight = 0;
      const api = {
        refreshLongLived: async (token: string) => {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          try {
            return await h.client.refreshLongLived(token);
          } finally {
            inFlight -= 1;
          }
        },
      };

      ids.forEach((id) => linkAccount(h, id));
      h.clock.advance(31 * DAY);
      const report = await schedulerFor(h, { api }).runDue();
      const fresh = h
        .reopen()
        .list()
        .filter(
          (a) => a.status === 'active' && a.tokenIssuedAt === h.clock.now(),
        );

      expect(maxInFlight).toBe(3);
      expect(report.refreshed).toHaveLength(500);
      expect(fresh).toHaveLength(500);
      expect(h.sandbox.stats.refresh).toBe(500);
    },
  );

  it('sends one refresh per account when asked several times at once', async () => {
    const { h, id } = await openAccountAged(31 * DAY);

    const scheduler = schedulerFor(h);
    await Promise.all([
      scheduler.refreshNow(id),
      scheduler.refreshNow(id),
      scheduler.runDue(),
    ]);

    expect(h.sandbox.stats.refresh).toBe(1);
  });
});

describe('refresh failures', () => {
  it('marks an account reconnect-needed on Graph error 190, keeping it', async () => {
    const { h, id } = await openAccountAged(31 * DAY);

    h.sandbox.failNext('refresh', 'graph-190');
    const report = await schedulerFor(h).runDue();
    const account = h.reopen().get(id);

    expect(report.reconnectNeeded).toEqual([id]);
    expect(account?.status).toBe('reconnect-needed');
    expect(account?.reconnectReason).toBe('token-revoked');
  });

  it('marks an account whose token was revoked on Instagram', async () => {
    const { h, id, token } = await openAccountAged(31 * DAY);

    h.sandbox.revoke(token.accessToken);
    await schedulerFor(h).runDue();

    expect(h.accounts.get(id)?.reconnectReason).toBe('token-revoked');
  });

  it('resolves refreshNow with the reconnect-needed account on 190', async () => {
    const { h, id } = await openAccountAged(31 * DAY);

    h.sandbox.failNext('refresh', 'graph-190');
    const account = await schedulerFor(h).refreshNow(id);

    expect(account.status).toBe('reconnect-needed');
  });

  it('keeps an account active and retries after a server error', async () => {
    const { h, id } = await openAccountAged(31 * DAY);

    h.sandbox.failNext('refresh', 'http-500');
    const report = await schedulerFor(h).runDue();

    expect(report.retrying).toEqual([id]);
    expect(h.accounts.get(id)?.status).toBe('active');
  });

  it('waits a minute before retrying a failed refresh', async () => {
    const { h, id } = await openAccountAged(31 * DAY);
    const scheduler = schedulerFor(h);

    h.sandbox.failNext('refresh', 'html-502');
    await scheduler.runDue();
    h.clock.advance(MINUTE - 1);
    const tooSoon = await scheduler.runDue();
    h.clock.advance(1);
    const retried = await scheduler.runDue();

    expect([tooSoon.refreshed, retried.refreshed]).toEqual([[], [id]]);
    expect(h.sandbox.stats.refresh).toBe(2);
  });

  it('rejects refreshNow with the client error when Instagram fails', async () => {
    const { h, id } = await openAccountAged(31 * DAY);

    h.sandbox.failNext('refresh', 'html-502');

    await expect(schedulerFor(h).refreshNow(id)).rejects.toBeInstanceOf(
      InstagramError,
    );
  });

  it('goes on with the others when one token cannot be decrypted', async () => {
    const h = await openHarness();
    const [broken, healthy] = [accountId(1), accountId(2)];

    linkAccount(h, broken);
    linkAccount(h, healthy);
    await damageStoredToken(h, broken);
    h.clock.advance(31 * DAY);
    const accounts = h.reopen();
    const report = await schedulerFor(h, { accounts }).runDue();

    expect(report.reconnectNeeded).toEqual([broken]);
    expect(report.refreshed).toEqual([healthy]);
    expect(accounts.get(broken)?.reconnectReason).toBe('token-unreadable');
  });

  it('lists an account as expiring when refreshes keep failing', async () => {
    const h = await openHarness();
    const id = accountId(1);
    const scheduler = schedulerFor(h);

    linkAccount(h, id);
    h.sandbox.failAlways('refresh', 'http-500');
    h.clock.advance(52 * DAY);
    await scheduler.runDue();
    const before = scheduler.expiring().map((a) => a.userId);
    h.clock.advance(2 * DAY);
    await scheduler.runDue();
    const after = scheduler.expiring().map((a) => a.userId);

    expect([before, after]).toEqual([[], [id]]);
  });

  it('never writes a token to the log', async () => {
    const h = await openHarness();
    const failing = accountId(1);
    const ok = accountId(2);
    const revoked = accountId(3);
    const tokens = [failing, ok, revoked].map((id) => linkAccount(h, id));

    h.sandbox.revoke(tokens[2]!.accessToken);
    h.clock.advance(31 * DAY);
    h.sandbox.failNext('refresh', 'http-500');
    const report = await schedulerFor(h, { concurrency: 1 }).runDue();
    const newToken = h.accounts.readToken(ok);
    const log = JSON.stringify(h.logLines);

    expect(report).toMatchObject({
      retrying: [failing],
      refreshed: [ok],
      reconnectNeeded: [revoked],
    });
    for (const token of [...tokens.map((t) => t.accessToken), newToken]) {
      expect(log).not.toContain(token);
    }
  });
});

/** Overwrites one account's ciphertext in the store file with junk. */
async function damageStoredToken(h: Harness, userId: string) {
  const file = JSON.parse(await readFile(h.filePath, 'utf8')) as {
    accounts: Record<string, { encryptedToken: string }>;
  };

  file.accounts[userId]!.encryptedToken = Buffer.alloc(64, 7).toString(
    'base64',
  );
  await writeFile(h.filePath, JSON.stringify(file));
}

describe('refresh racing a disconnect', () => {
  it('drops a refreshed token whose account was removed meanwhile', async () => {
    const { h, id } = await openAccountAged(31 * DAY);
    const gated = gatedApi(h.client);

    const pass = schedulerFor(h, { api: gated.api }).runDue();
    await gated.started;
    h.accounts.remove(id);
    gated.release();
    const report = await pass;

    expect(report.dropped).toEqual([id]);
    expect(h.sandbox.stats.refresh).toBe(1);
    expect(h.reopen().list()).toEqual([]);
  });

  it('leaves no account behind when a stalled refresh dies', async () => {
    const { h, id } = await openAccountAged(31 * DAY);

    h.sandbox.failNext('refresh', 'stall');
    const pass = schedulerFor(h).runDue();
    await until(() => h.sandbox.stats.refresh === 1);
    h.accounts.remove(id);
    await h.sandbox.close();
    const report = await pass;

    expect(report.dropped).toEqual([id]);
    expect(h.reopen().list()).toEqual([]);
  });

  it('rejects refreshNow for an account that is not linked', async () => {
    const h = await openHarness();

    await expect(
      schedulerFor(h).refreshNow(accountId(9)),
    ).rejects.toBeInstanceOf(AccountNotFoundError);
  });
});

describe('refresh racing a re-link', () => {
  it('keeps the new token when the old one refreshes late', async () => {
    const { h, id } = await openAccountAged(31 * DAY);
    const gated = gatedApi(h.client);

    const pass = schedulerFor(h, { api: gated.api }).runDue();
    await gated.started;
    h.clock.advance(1000);
    const relinked = linkAccount(h, id);
    gated.release();
    const report = await pass;

    expect(report.dropped).toEqual([id]);
    expect(h.reopen().readToken(id)).toBe(relinked.accessToken);
  });

  it('does not mark a re-linked account for an old revoked token', async () => {
    const { h, id, token } = await openAccountAged(31 * DAY);
    const gated = gatedApi(h.client);
    h.sandbox.revoke(token.accessToken);

    const pass = schedulerFor(h, { api: gated.api }).runDue();
    await gated.started;
    h.clock.advance(1000);
    linkAccount(h, id);
    gated.release();
    await pass;

    expect(h.reopen().get(id)?.status).toBe('active');
  });
});

describe('refresh killed mid-flight', () => {
  it('leaves a working token on disk after the process dies', async () => {
    const { h, id } = await openAccountAged(31 * DAY);

    h.sandbox.failNext('refresh', 'stall');
    await killChildMidRefresh(h, id);

    expect(await tokenWorks(h, h.reopen(), id)).toBe(true);
  });

  it('refreshes normally after a restart that followed the kill', async () => {
    const { h, id } = await openAccountAged(31 * DAY);

    h.sandbox.failNext('refresh', 'stall');
    await killChildMidRefresh(h, id);
    const accounts = h.reopen();
    const report = await schedulerFor(h, { accounts }).runDue();

    expect(report.refreshed).toEqual([id]);
    expect(await tokenWorks(h, accounts, id)).toBe(true);
  });
});

/**
 * Runs test/support/refresh-child.ts against the sandbox and SIGKILLs it
 * once its refresh request has reached the sandbox.
 */
async function killChildMidRefresh(h: Harness, userId: string) {
  const input: RefreshChildInput = {
    dataDir: h.dataDir,
    endpoints: h.sandbox.endpoints,
    appId: h.sandbox.appId,
    appSecret: h.sandbox.appSecret,
    now: h.clock.now(),
    userId,
  };
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD_SCRIPT, JSON.stringify(input)],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = exitOf(child);

  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
    await exited;
  });
  await waitForLine(child, REFRESH_SENT);
  await until(() => h.sandbox.stats.refresh === 1);
  child.kill('SIGKILL');

  expect(await exited).toBe('SIGKILL');
}

function exitOf(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? code));
  });
}

function waitForLine(child: ChildProcess, prefix: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';

    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (seen.split('\n').some((line) => line.startsWith(prefix))) resolve();
    });
    child.once('exit', () => reject(new Error(`child exited: ${seen}`)));
  });
}
