/**
 * A store file holding many linked accounts, built once through the real
 * storage code (`openInstalinkStorage` and `accounts.link`), for the
 * start-up and renderer measurements.
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';

import { silentLogger } from '../electron/core/logger';
import { DAY_MS } from '../electron/core/time';
import {
  type Clock,
  INSTAGRAM_SCOPES,
  type LinkedAccountInput,
} from '../electron/core/types';
import { solidColorPng } from '../electron/sandbox/png';
import { openInstalinkStorage } from '../electron/storage/index';
import { createTestCipher } from '../test/support/test-cipher';

/** DESIGN.md's "Numbers to beat" speak of 500 linked accounts. */
export const BENCH_ACCOUNT_COUNT = 500;

/** The store file's name inside a data folder (storage/store-file.ts). */
export const STORE_FILE_NAME = 'instalink.json';

/** How far back the bench accounts' history goes: tokens up to 41 days. */
export const BENCH_HISTORY_MS = 41 * DAY_MS;
/** Instagram's long-lived tokens last 60 days (DESIGN.md). */
const LONG_LIVED_SECONDS = 60 * 24 * 60 * 60;
/** Sandbox-style ids: above 2^53, as Instagram's are. */
const FIRST_USER_ID = 17841400000100000n;

/**
 * Links `count` accounts into the store in `dataDir` and returns the
 * store file's path. Tokens are 0 to 40 days old, so none is near expiry.
 */
export function buildAccountsStore(dataDir: string, count: number): string {
  const start = Date.now() - BENCH_HISTORY_MS;
  let tick = 0;
  const clock: Clock = { now: () => start + (tick += 1000) };

  const storage = openInstalinkStorage({
    dataDir,
    cipher: createTestCipher(),
    clock,
    logger: silentLogger,
  });
  for (let i = 0; i < count; i += 1) {
    storage.accounts.link(benchAccount(i, start));
  }

  return storage.filePath;
}

/** Copies a built store into another data folder (the renderer's). */
export async function copyAccountsStore(
  storePath: string,
  dataDir: string,
): Promise<void> {
  await copyFile(storePath, join(dataDir, STORE_FILE_NAME));
}

/**
 * The `i`th bench account, a realistic professional one: profile, all
 * scopes, an avatar and a long-lived token issued `i % 41` days after
 * `start`.
 */
export function benchAccount(i: number, start: number): LinkedAccountInput {
  const userId = String(FIRST_USER_ID + BigInt(i));
  const business = i % 3 !== 0;

  return {
    profile: {
      userId,
      username: `${business ? 'studio' : 'creator'}_${String(i).padStart(3, '0')}`,
      name: `${business ? 'Studio' : 'Creator'} Nº ${i} · Ünïcode & Co`,
      accountType: business ? 'BUSINESS' : 'MEDIA_CREATOR',
      profilePictureUrl: `https://scontent.example/${userId}.jpg`,
      followersCount: (i * 7919) % 250_000,
      followsCount: (i * 31) % 2_000,
      mediaCount: (i * 17) % 3_000,
    },
    scopes: [...INSTAGRAM_SCOPES],
    longLived: {
      accessToken: fakeToken(i),
      tokenType: 'bearer',
      expiresInSeconds: LONG_LIVED_SECONDS,
    },
    avatarDataUrl: avatarFor(i),
    issuedAt: start + (i % 41) * DAY_MS,
  };
}

/** The sandbox's kind of avatar: an 8x8 PNG of one colour, as a data URL. */
function avatarFor(i: number): string {
  const rgb = [(i * 37) % 256, (i * 91) % 256, (i * 53) % 256] as const;

  return `data:image/png;base64,${solidColorPng(rgb).toString('base64')}`;
}

/** About as long as an Instagram user token; made up, never sent. */
function fakeToken(i: number): string {
  return `IGAA${'benchToken'.repeat(16)}${String(i).padStart(6, '0')}`;
}
