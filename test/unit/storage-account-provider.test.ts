import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { silentLogger } from '../../electron/core/logger';
import { type LinkedAccountInput } from '../../electron/core/types';
import { openInstalinkStorage } from '../../electron/storage/index';
import { createTestCipher } from '../support/test-cipher';

const SHOP_ID = '17841400000000001';
const SHOP_TOKEN = 'IGAAshop-long-lived-token-0001';
const DAY_MS = 86_400_000;
const SIXTY_DAYS_S = 60 * 86_400;

let dataDir: string;
let now: number;
const clock = { now: () => now };

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'instalink-provider-'));
  now = Date.UTC(2025, 0, 1);
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function openStorage() {
  return openInstalinkStorage({
    dataDir,
    cipher: createTestCipher(),
    clock,
    logger: silentLogger,
  });
}

function linkInput(extra: Partial<LinkedAccountInput> = {}) {
  return {
    profile: { userId: SHOP_ID, username: 'sandbox_shop' },
    scopes: ['instagram_business_basic'],
    longLived: {
      accessToken: SHOP_TOKEN,
      tokenType: 'bearer',
      expiresInSeconds: SIXTY_DAYS_S,
    },
    issuedAt: now,
    ...extra,
  };
}

type StoreData = { accounts: Record<string, Record<string, unknown>> };

async function readStore(filePath: string): Promise<StoreData> {
  return JSON.parse(await readFile(filePath, 'utf8')) as StoreData;
}

describe('the provider of an account', () => {
  it('is stored as the connect flow gave it', async () => {
    const { accounts, filePath } = openStorage();

    const summary = accounts.link(linkInput({ provider: 'sandbox' }));

    expect(summary.provider).toBe('sandbox');
    expect((await readStore(filePath)).accounts[SHOP_ID]?.provider).toBe(
      'sandbox',
    );
    expect(openStorage().accounts.get(SHOP_ID)?.provider).toBe('sandbox');
  });

  it('is kept through a refresh and a reconnect mark', () => {
    const { accounts } = openStorage();
    accounts.link(linkInput({ provider: 'sandbox' }));
    now += 30 * DAY_MS;

    accounts.saveRefreshedToken(
      SHOP_ID,
      { accessToken: 'IGAAshop-new', tokenType: 'bearer', expiresInSeconds: 1 },
      now,
    );
    accounts.markReconnectNeeded(SHOP_ID, 'token-revoked');

    expect(accounts.get(SHOP_ID)?.provider).toBe('sandbox');
  });

  it('is the new provider after linking again through another', () => {
    const { accounts } = openStorage();
    accounts.link(linkInput({ provider: 'sandbox' }));

    const summary = accounts.link(linkInput({ provider: 'instagram' }));

    expect(summary.provider).toBe('instagram');
  });

  it('reads as Instagram for a record saved without one', async () => {
    const first = openStorage();
    first.accounts.link(linkInput({ provider: 'sandbox' }));
    const data = await readStore(first.filePath);
    delete data.accounts[SHOP_ID]?.provider;
    await writeFile(first.filePath, JSON.stringify(data));

    const { accounts } = openStorage();

    expect(accounts.get(SHOP_ID)?.provider).toBe('instagram');
    expect(accounts.list().map((account) => account.provider)).toEqual([
      'instagram',
    ]);
  });

  it('leaves out a record whose provider is unknown', async () => {
    const first = openStorage();
    first.accounts.link(linkInput({ provider: 'sandbox' }));
    const data = await readStore(first.filePath);
    data.accounts[SHOP_ID]!.provider = 'facebook';
    await writeFile(first.filePath, JSON.stringify(data));

    const { accounts } = openStorage();

    expect(accounts.get(SHOP_ID)).toBeUndefined();
  });
});
