/**
 * The scheduler asks for the API of each account, so every account is
 * refreshed by its own provider and one provider's fault stays with its
 * accounts. Two real sandboxes play the two providers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { silentLogger } from '../../electron/core/logger';
import { DAY_MS as DAY } from '../../electron/core/time';
import {
  type AccountStore,
  type AccountSummary,
  type ProviderKind,
} from '../../electron/core/types';
import {
  createInstagramClient,
  type InstagramClient,
} from '../../electron/instagram/client';
import { type Sandbox, startSandbox } from '../../electron/sandbox/server';
import { openInstalinkStorage } from '../../electron/storage/index';
import {
  createRefreshScheduler,
  type RefreshApiFor,
} from '../../electron/tokens/refresh-scheduler';
import { createTestCipher } from '../support/test-cipher';

let now = Date.UTC(2025, 0, 1);
const clock = { now: () => now };
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One provider: a sandbox and the client that talks to it. */
interface Provider {
  sandbox: Sandbox;
  client: InstagramClient;
}

async function startProvider(): Promise<Provider> {
  const sandbox = await startSandbox({ clock });
  const client = createInstagramClient({
    endpoints: sandbox.endpoints,
    appId: sandbox.appId,
    readAppSecret: () => sandbox.appSecret,
  });

  cleanups.push(async () => {
    await client.close();
    await sandbox.close();
  });
  return { sandbox, client };
}

async function openAccounts(): Promise<AccountStore> {
  const dataDir = await mkdtemp(join(tmpdir(), 'instalink-providers-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));

  return openInstalinkStorage({
    dataDir,
    cipher: createTestCipher(),
    clock,
    logger: silentLogger,
  }).accounts;
}

/** Links the provider's simulated user `index` as linked through `kind`. */
function link(
  accounts: AccountStore,
  from: Provider,
  kind: ProviderKind,
  index: number,
): string {
  const user = from.sandbox.users[index]!;

  accounts.link({
    profile: { userId: user.userId, username: user.username },
    scopes: ['instagram_business_basic'],
    longLived: from.sandbox.issueLongLivedToken(user.userId),
    issuedAt: now,
    provider: kind,
  });
  return user.userId;
}

/**
 * An Instagram account and a sandbox account, each from its own sandbox,
 * and a scheduler whose API lookup `wrap` may change.
 */
async function setUp(
  wrap: (byKind: RefreshApiFor) => RefreshApiFor = (f) => f,
) {
  now = Date.UTC(2025, 0, 1);
  const instagram = await startProvider();
  const sandbox = await startProvider();
  const accounts = await openAccounts();
  const real = link(accounts, instagram, 'instagram', 0);
  const test = link(accounts, sandbox, 'sandbox', 1);
  const byKind = (account: AccountSummary) =>
    account.provider === 'sandbox' ? sandbox.client : instagram.client;
  const scheduler = createRefreshScheduler({
    accounts,
    apiFor: wrap(byKind),
    clock,
    logger: silentLogger,
    random: () => 0,
  });

  cleanups.push(async () => scheduler.stop());
  return { instagram, sandbox, accounts, real, test, scheduler };
}

describe('a scheduler that takes the API per account', () => {
  it("refreshes each account through its own provider's API", async () => {
    const { instagram, sandbox, scheduler, real, test } = await setUp();
    now += 31 * DAY;

    const report = await scheduler.runDue();

    expect(report.refreshed.sort()).toEqual([real, test].sort());
    expect(instagram.sandbox.stats.refresh).toBe(1);
    expect(sandbox.sandbox.stats.refresh).toBe(1);
  });

  it('hands the API lookup the account it is for', async () => {
    const seen: string[] = [];
    const { scheduler, real } = await setUp((byKind) => (account) => {
      seen.push(`${account.userId}:${account.provider}`);
      return byKind(account);
    });
    now += 31 * DAY;

    await scheduler.refreshNow(real);

    expect(seen).toEqual([`${real}:instagram`]);
  });

  it('retries only the account whose API cannot be had', async () => {
    const { accounts, scheduler, real, test } = await setUp(
      (byKind) => (account) => {
        if (account.provider === 'sandbox') {
          throw new Error('the sandbox could not start');
        }
        return byKind(account);
      },
    );
    now += 31 * DAY;

    const report = await scheduler.runDue();

    expect(report.refreshed).toEqual([real]);
    expect(report.retrying).toEqual([test]);
    expect(accounts.get(test)?.status).toBe('active');
  });

  it('waits for an API handed back as a promise', async () => {
    const { instagram, scheduler, real } = await setUp(
      (byKind) => async (account) => {
        await Promise.resolve();
        return byKind(account);
      },
    );
    now += 31 * DAY;

    await scheduler.refreshNow(real);

    expect(instagram.sandbox.stats.refresh).toBe(1);
  });
});
