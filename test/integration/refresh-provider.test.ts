/**
 * Each account is refreshed by the provider that linked it, whatever
 * Settings say now. The "instagram" provider is aimed at a second sandbox
 * on 127.0.0.1, so both sides count the refreshes they answer.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';

import { DAY_MS } from '../../electron/core/time';
import { type AccountSummary } from '../../electron/core/types';
import { type Sandbox, startSandbox } from '../../electron/sandbox/server';
import { type Harness, startHarness } from '../support/instalink-harness';
import { createTestCipher } from '../support/test-cipher';

const SHOP_ID = '17841400000000001';
/** Settings take only a decimal App ID, as Meta issues them. */
const LOOKALIKE_APP_ID = '990011223344';

let now = Date.UTC(2025, 0, 1);
const clock = { now: () => now };

let harness: Harness | undefined;
let lookalike: Sandbox | undefined;
let ownDataDir: string | undefined;

afterEach(async () => {
  await harness?.close();
  await lookalike?.close();
  if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
  harness = lookalike = ownDataDir = undefined;
});

/** The app's services, with "instagram" aimed at a second sandbox. */
async function start(
  options: { dataDir?: string } = {},
): Promise<{ h: Harness; instagram: Sandbox }> {
  now = Date.UTC(2025, 0, 1);
  lookalike = await startSandbox({ clock, appId: LOOKALIKE_APP_ID });
  harness = await startHarness({
    ...options,
    clock,
    random: () => 0,
    instagramEndpoints: lookalike.endpoints,
  });

  return { h: harness, instagram: lookalike };
}

/** Links the first account of `provider`'s consent page through the app. */
async function linkThrough(h: Harness, provider: Sandbox) {
  const opened = h.nextOpened();
  const outcome = h.services.startConnect();
  const redirect = await provider.answerConsent(await opened);
  await (await request(redirect)).body.text();

  const result = await outcome;
  expect(result.kind).toBe('linked');
  return result.account!;
}

function linkThroughInstagram(h: Harness, instagram: Sandbox) {
  h.services.saveSettings({
    provider: 'instagram',
    appId: LOOKALIKE_APP_ID,
    appSecret: instagram.appSecret,
  });

  return linkThrough(h, instagram);
}

async function linkThroughSandbox(h: Harness) {
  h.services.saveSettings({ provider: 'sandbox' });

  return linkThrough(h, h.services.sandbox()!);
}

/** Moves past the refresh due time (30 days, jitter 0) and runs a pass. */
async function refreshAfterAMonth(h: Harness): Promise<AccountSummary> {
  now += 31 * DAY_MS;
  await h.services.refreshDue();

  return h.services.listAccounts()[0]!;
}

describe('an account linked through Instagram', () => {
  it('records Instagram as its provider', async () => {
    const { h, instagram } = await start();

    const account = await linkThroughInstagram(h, instagram);

    expect(account.provider).toBe('instagram');
    expect(h.services.listAccounts()[0]?.provider).toBe('instagram');
  });

  it('is refreshed by Instagram after Settings switch to the sandbox', async () => {
    const { h, instagram } = await start();
    await linkThroughInstagram(h, instagram);
    h.services.saveSettings({ provider: 'sandbox' });

    const account = await refreshAfterAMonth(h);

    expect(instagram.stats.refresh).toBe(1);
    expect(h.services.sandbox()!.stats.refresh).toBe(0);
    expect(account).toMatchObject({ status: 'active', lastRefreshedAt: now });
  });

  it('is refreshed with no App Secret saved any more', async () => {
    const { h, instagram } = await start();
    await linkThroughInstagram(h, instagram);
    h.services.saveSettings({ provider: 'sandbox', appSecret: '' });

    const account = await refreshAfterAMonth(h);

    expect(instagram.stats.refresh).toBe(1);
    expect(account).toMatchObject({ status: 'active', lastRefreshedAt: now });
  });
});

describe('an account linked through the sandbox', () => {
  it('records the sandbox as its provider', async () => {
    const { h } = await start();

    const account = await linkThroughSandbox(h);

    expect(account.provider).toBe('sandbox');
  });

  it('is refreshed by the sandbox after Settings switch to Instagram', async () => {
    const { h, instagram } = await start();
    await linkThroughSandbox(h);
    h.services.saveSettings({
      provider: 'instagram',
      appId: LOOKALIKE_APP_ID,
      appSecret: instagram.appSecret,
    });

    const account = await refreshAfterAMonth(h);

    expect(h.services.sandbox()!.stats.refresh).toBe(1);
    expect(instagram.stats.refresh).toBe(0);
    expect(account).toMatchObject({ status: 'active', lastRefreshedAt: now });
  });

  it('is refreshed by the sandbox while Instagram has no App Secret', async () => {
    const { h, instagram } = await start();
    await linkThroughSandbox(h);
    h.services.saveSettings({ provider: 'instagram' });

    const account = await refreshAfterAMonth(h);

    expect(h.services.sandbox()!.stats.refresh).toBe(1);
    expect(instagram.stats.refresh).toBe(0);
    expect(account).toMatchObject({ status: 'active', lastRefreshedAt: now });
  });
});

describe('an account saved before providers were recorded', () => {
  it('is read as an Instagram account and refreshed by Instagram', async () => {
    const { h, instagram } = await startOverSavedAccount({});

    const account = await refreshAfterAMonth(h);

    expect(account.provider).toBe('instagram');
    expect(instagram.stats.refresh).toBe(1);
    expect(h.services.sandbox()).toBeUndefined();
    expect(account.status).toBe('active');
  });
});

describe('a saved sandbox account while Settings name Instagram', () => {
  it('starts the sandbox on demand for its refresh', async () => {
    const { h, instagram } = await startOverSavedAccount({
      provider: 'sandbox',
    });
    expect(h.services.sandbox()).toBeUndefined();

    await refreshAfterAMonth(h);

    // A new sandbox never issued the saved token, so it answers 190: the
    // point is only that it, and not Instagram, was asked.
    expect(h.services.sandbox()?.stats.refresh).toBe(1);
    expect(instagram.stats.refresh).toBe(0);
  });
});

/**
 * The app, with Settings on Instagram, over a data folder holding one
 * saved account whose token the lookalike issued (it keeps its grants in
 * memory). `fields` are added to the saved record.
 */
async function startOverSavedAccount(
  fields: Record<string, unknown>,
): Promise<{ h: Harness; instagram: Sandbox }> {
  now = Date.UTC(2025, 0, 1);
  ownDataDir = await mkdtemp(join(tmpdir(), 'instalink-provider-'));
  lookalike = await startSandbox({ clock, appId: LOOKALIKE_APP_ID });
  const token = lookalike.issueLongLivedToken(SHOP_ID);
  await writeSavedAccount(ownDataDir, token.accessToken, fields);

  harness = await startHarness({
    dataDir: ownDataDir,
    clock,
    random: () => 0,
    instagramEndpoints: lookalike.endpoints,
  });
  return { h: harness, instagram: lookalike };
}

/** A store file as Instalink writes it; without `provider` unless given. */
async function writeSavedAccount(
  dataDir: string,
  accessToken: string,
  fields: Record<string, unknown>,
): Promise<void> {
  const record = {
    userId: SHOP_ID,
    username: 'sandbox_shop',
    scopes: ['instagram_business_basic'],
    linkedAt: now,
    tokenIssuedAt: now,
    tokenExpiresAt: now + 60 * DAY_MS,
    status: 'active',
    tokenType: 'bearer',
    encryptedToken: createTestCipher().encrypt(accessToken),
    ...fields,
  };
  const data = {
    schemaVersion: 1,
    accounts: { [SHOP_ID]: record },
    settings: { provider: 'instagram', appId: LOOKALIKE_APP_ID },
  };

  await writeFile(join(dataDir, 'instalink.json'), JSON.stringify(data));
}
