import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  createLogger,
  type Logger,
  silentLogger,
} from '../../electron/core/logger';
import { DAY_MS } from '../../electron/core/time';
import {
  type LinkedAccountInput,
  type LongLivedToken,
  type SecretCipher,
} from '../../electron/core/types';
import {
  type ConfLike,
  createConfStore,
  InvalidAccountIdError,
  openInstalinkStorage,
  SecretStorageRefusedError,
  TokenUnreadableError,
} from '../../electron/storage/index';
import {
  createTestCipher,
  createUnreadableCipher,
} from '../support/test-cipher';

const SHOP_ID = '17841400000000001';
const STUDIO_ID = '17841400000000002';
const SHOP_TOKEN = 'IGAAshop-long-lived-token-0001';
const STUDIO_TOKEN = 'IGAAstudio-long-lived-token-0002';
const SIXTY_DAYS_S = 60 * 86_400;

let dataDir: string;
let now: number;
const clock = { now: () => now };

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'instalink-accounts-'));
  now = Date.UTC(2025, 0, 1);
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function openStorage(
  options: {
    cipher?: SecretCipher;
    logger?: Logger;
    onWrite?: (key: string) => void;
  } = {},
) {
  return openInstalinkStorage({
    dataDir,
    cipher: options.cipher ?? createTestCipher(),
    clock,
    logger: options.logger ?? silentLogger,
    createStore: (confOptions) =>
      recordingWrites(createConfStore(confOptions), options.onWrite),
  });
}

/**
 * The Conf store, telling `onWrite` which top-level keys each write of
 * the file changes: one call per key, whether written by `set`, `delete`
 * or a whole-store assignment.
 */
function recordingWrites(
  conf: ConfLike,
  onWrite: ((key: string) => void) | undefined,
): ConfLike {
  const report = (next: Record<string, unknown>): void => {
    const before = conf.store;
    const keys = new Set([...Object.keys(before), ...Object.keys(next)]);
    for (const key of keys) {
      if (JSON.stringify(before[key]) !== JSON.stringify(next[key])) {
        onWrite?.(key);
      }
    }
  };

  return {
    get path() {
      return conf.path;
    },
    get: (key) => conf.get(key),
    set: (key, value) => {
      onWrite?.(key);
      conf.set(key, value);
    },
    delete: (key) => {
      onWrite?.(key);
      conf.delete(key);
    },
    get store() {
      return conf.store;
    },
    set store(next) {
      report(next);
      conf.store = next;
    },
  };
}

function linkInput(
  userId: string,
  token: string,
  extra: Partial<LinkedAccountInput> = {},
): LinkedAccountInput {
  return {
    profile: { userId, username: `user_${userId.slice(-1)}` },
    scopes: ['instagram_business_basic'],
    longLived: {
      accessToken: token,
      tokenType: 'bearer',
      expiresInSeconds: SIXTY_DAYS_S,
    },
    issuedAt: now,
    ...extra,
  };
}

/** A bearer token Instagram's refresh would answer: 60 days of life. */
function refreshedToken(accessToken: string): LongLivedToken {
  return { accessToken, tokenType: 'bearer', expiresInSeconds: SIXTY_DAYS_S };
}

async function fileText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

async function fileAccounts(
  path: string,
): Promise<Record<string, Record<string, unknown>>> {
  const data = JSON.parse(await fileText(path)) as {
    accounts: Record<string, Record<string, unknown>>;
  };
  return data.accounts;
}

/** A logger into memory, for asserting what was (not) logged. */
function memoryLogger(): { logger: Logger; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });

  return {
    logger: createLogger({ destination, level: 'debug' }),
    text: () => chunks.join(''),
  };
}

describe('linking an account', () => {
  it('keys the account by its exact id string', async () => {
    const { accounts, filePath } = openStorage();
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));

    expect(Object.keys(await fileAccounts(filePath))).toEqual([SHOP_ID]);
    expect(accounts.list().map((account) => account.userId)).toEqual([SHOP_ID]);
  });

  it('never writes the token in plain text', async () => {
    const { accounts, filePath } = openStorage();
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));

    expect(await fileText(filePath)).not.toContain(SHOP_TOKEN);
  });

  it('gives the token back through readToken', () => {
    const { accounts } = openStorage();
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));

    expect(accounts.readToken(SHOP_ID)).toBe(SHOP_TOKEN);
  });

  it('returns a summary without the token', () => {
    const { accounts } = openStorage();
    const summary = accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));

    expect(JSON.stringify(summary)).not.toContain('Token"');
    expect(summary).toMatchObject({
      userId: SHOP_ID,
      status: 'active',
      linkedAt: now,
      tokenIssuedAt: now,
      tokenExpiresAt: now + SIXTY_DAYS_S * 1000,
    });
  });

  it('updates a re-linked account in place, keeping linkedAt', () => {
    const { accounts } = openStorage();
    const linkedAt = now;
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    accounts.markReconnectNeeded(SHOP_ID, 'token-revoked');
    now += DAY_MS;
    accounts.link(linkInput(SHOP_ID, 'IGAAshop-second-token-00000001'));

    expect(accounts.list()).toHaveLength(1);
    expect(accounts.get(SHOP_ID)).toMatchObject({
      linkedAt,
      tokenIssuedAt: now,
      status: 'active',
    });
    expect(accounts.get(SHOP_ID)?.reconnectReason).toBeUndefined();
    expect(accounts.readToken(SHOP_ID)).toBe('IGAAshop-second-token-00000001');
  });

  it('refuses an id that is not an Instagram id', () => {
    const { accounts } = openStorage();

    expect(() => accounts.link(linkInput('__proto__', SHOP_TOKEN))).toThrow(
      InvalidAccountIdError,
    );
  });

  it('lists accounts in the order they were linked', () => {
    const { accounts } = openStorage();
    accounts.link(linkInput(STUDIO_ID, STUDIO_TOKEN));
    now += 1;
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));

    expect(accounts.list().map((account) => account.userId)).toEqual([
      STUDIO_ID,
      SHOP_ID,
    ]);
  });

  it('keeps the accounts after the store is opened again', () => {
    openStorage().accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    const { accounts } = openStorage();

    expect(accounts.get(SHOP_ID)?.username).toBe('user_1');
    expect(accounts.readToken(SHOP_ID)).toBe(SHOP_TOKEN);
  });
});

describe('opening a large store', () => {
  /** Copies one linked account's record under 500 ids, as a big store. */
  async function writeFiveHundredAccounts(): Promise<void> {
    const first = openStorage();
    first.accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    const data = JSON.parse(await fileText(first.filePath)) as {
      accounts: Record<string, Record<string, unknown>>;
    };
    const template = data.accounts[SHOP_ID];
    for (let index = 0; index < 500; index += 1) {
      const userId = String(17841400000000000n + BigInt(index));
      data.accounts[userId] = { ...template, userId };
    }
    await writeFile(first.filePath, JSON.stringify(data));
  }

  it('decrypts no token when 500 accounts are listed', async () => {
    await writeFiveHundredAccounts();
    const cipher = createTestCipher();
    const { accounts } = openStorage({ cipher });

    expect(accounts.list()).toHaveLength(500);
    expect(cipher.decryptCalls).toBe(0);
  });
});

describe('refreshed tokens', () => {
  it('are written in one store write', async () => {
    const writes: string[] = [];
    const { accounts, filePath } = openStorage({
      onWrite: (key) => writes.push(key),
    });
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    writes.length = 0;
    const refreshed = refreshedToken('IGAAshop-refreshed-token-0003');

    expect(accounts.saveRefreshedToken(SHOP_ID, refreshed, now)).toBe(true);
    expect(writes).toEqual(['accounts']);
    expect(await fileText(filePath)).not.toContain(SHOP_TOKEN);
    expect(openStorage().accounts.readToken(SHOP_ID)).toBe(
      'IGAAshop-refreshed-token-0003',
    );
  });

  it('record the refresh time and the new expiry', () => {
    const { accounts } = openStorage();
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    now += 30 * DAY_MS;
    const token = refreshedToken('IGAAshop-refreshed-token-0003');
    accounts.saveRefreshedToken(SHOP_ID, token, now);

    expect(accounts.get(SHOP_ID)).toMatchObject({
      lastRefreshedAt: now,
      tokenIssuedAt: now,
      tokenExpiresAt: now + SIXTY_DAYS_S * 1000,
    });
  });

  it('are dropped, writing nothing, for a removed account', async () => {
    const writes: string[] = [];
    const { accounts } = openStorage({ onWrite: (key) => writes.push(key) });
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    accounts.remove(SHOP_ID);
    writes.length = 0;
    const token = refreshedToken('IGAAshop-refreshed-token-0003');

    expect(accounts.saveRefreshedToken(SHOP_ID, token, now)).toBe(false);
    expect(writes).toEqual([]);
    expect(accounts.get(SHOP_ID)).toBeUndefined();
  });

  it('clear a revoked mark but not missing scopes', () => {
    const { accounts } = openStorage();
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    accounts.link(linkInput(STUDIO_ID, STUDIO_TOKEN));
    accounts.markReconnectNeeded(SHOP_ID, 'token-revoked');
    accounts.markReconnectNeeded(STUDIO_ID, 'scopes-missing');
    const token = refreshedToken('IGAArefreshed-token-for-both-04');
    accounts.saveRefreshedToken(SHOP_ID, token, now);
    accounts.saveRefreshedToken(STUDIO_ID, token, now);

    expect(accounts.get(SHOP_ID)?.status).toBe('active');
    expect(accounts.get(STUDIO_ID)?.reconnectReason).toBe('scopes-missing');
  });
});

describe('reconnect marks', () => {
  it('are saved in the file with their reason', async () => {
    const { accounts, filePath } = openStorage();
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    accounts.markReconnectNeeded(SHOP_ID, 'token-expired');

    expect((await fileAccounts(filePath))[SHOP_ID]).toMatchObject({
      status: 'reconnect-needed',
      reconnectReason: 'token-expired',
    });
  });
});

describe('removing an account', () => {
  it('deletes the account and its token from the file', async () => {
    const { accounts, filePath } = openStorage();
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    accounts.link(linkInput(STUDIO_ID, STUDIO_TOKEN));
    const encrypted = (await fileAccounts(filePath))[SHOP_ID]?.encryptedToken;

    expect(accounts.remove(SHOP_ID)).toBe(true);
    expect(Object.keys(await fileAccounts(filePath))).toEqual([STUDIO_ID]);
    expect(await fileText(filePath)).not.toContain(String(encrypted));
  });

  it('reports false for an account that is not linked', () => {
    const { accounts } = openStorage();

    expect(accounts.remove(SHOP_ID)).toBe(false);
  });
});

describe('change listeners', () => {
  it('are called after each change', () => {
    const { accounts } = openStorage();
    const seen: number[] = [];
    accounts.onChange(() => seen.push(accounts.list().length));
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    accounts.markReconnectNeeded(SHOP_ID, 'token-revoked');
    accounts.remove(SHOP_ID);

    expect(seen).toEqual([1, 1, 0]);
  });

  it('are not called after unsubscribing', () => {
    const { accounts } = openStorage();
    let calls = 0;
    const unsubscribe = accounts.onChange(() => {
      calls += 1;
    });
    unsubscribe();
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));

    expect(calls).toBe(0);
  });

  it('do not stop other listeners when one throws', () => {
    const { accounts } = openStorage();
    let calls = 0;
    accounts.onChange(() => {
      throw new Error('listener fault');
    });
    accounts.onChange(() => {
      calls += 1;
    });
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));

    expect(calls).toBe(1);
  });
});

describe('a token that cannot be decrypted', () => {
  it('throws TokenUnreadableError and marks the account', async () => {
    openStorage().accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    const { accounts, filePath } = openStorage({
      cipher: createUnreadableCipher(),
    });

    expect(() => accounts.readToken(SHOP_ID)).toThrow(TokenUnreadableError);
    expect((await fileAccounts(filePath))[SHOP_ID]).toMatchObject({
      status: 'reconnect-needed',
      reconnectReason: 'token-unreadable',
    });
  });

  it('harms no other account when its ciphertext is damaged', async () => {
    const first = openStorage();
    first.accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    first.accounts.link(linkInput(STUDIO_ID, STUDIO_TOKEN));
    const data = JSON.parse(await fileText(first.filePath)) as {
      accounts: Record<string, { encryptedToken: string }>;
    };
    const shop = data.accounts[SHOP_ID];
    if (shop === undefined) {
      throw new Error('fixture account missing');
    }
    const bytes = Buffer.from(shop.encryptedToken, 'base64');
    bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 0xff;
    shop.encryptedToken = bytes.toString('base64');
    await writeFile(first.filePath, JSON.stringify(data));
    const { accounts } = openStorage();

    expect(() => accounts.readToken(SHOP_ID)).toThrow(TokenUnreadableError);
    expect(accounts.readToken(STUDIO_ID)).toBe(STUDIO_TOKEN);
    expect(accounts.get(STUDIO_ID)?.status).toBe('active');
    expect(accounts.get(SHOP_ID)?.reconnectReason).toBe('token-unreadable');
  });

  it('never puts the token or ciphertext in the error or the log', () => {
    openStorage().accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    const { logger, text } = memoryLogger();
    const { accounts } = openStorage({
      cipher: createUnreadableCipher(),
      logger,
    });

    let message = '';
    try {
      accounts.readToken(SHOP_ID);
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toContain(SHOP_ID);
    expect(`${message}\n${text()}`).not.toMatch(/IGAA|encryptedToken":"/);
  });
});

describe('a malformed account record', () => {
  async function writeMalformed(filePath: string): Promise<void> {
    const data = JSON.parse(await fileText(filePath)) as {
      accounts: Record<string, unknown>;
    };
    data.accounts[SHOP_ID] = { username: 42, encryptedToken: '' };
    await writeFile(filePath, JSON.stringify(data));
  }

  it('is skipped from the list while the others are listed', async () => {
    const first = openStorage();
    first.accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    first.accounts.link(linkInput(STUDIO_ID, STUDIO_TOKEN));
    await writeMalformed(first.filePath);
    const { accounts } = openStorage();

    expect(accounts.list().map((account) => account.userId)).toEqual([
      STUDIO_ID,
    ]);
    expect(accounts.readToken(STUDIO_ID)).toBe(STUDIO_TOKEN);
  });

  it('is logged with its id', async () => {
    const first = openStorage();
    first.accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    await writeMalformed(first.filePath);
    const { logger, text } = memoryLogger();
    openStorage({ logger }).accounts.list();

    expect(text()).toContain('skipped a malformed account record');
    expect(text()).toContain(SHOP_ID);
  });

  it('is replaced by linking the account again', async () => {
    const first = openStorage();
    first.accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    await writeMalformed(first.filePath);
    const { accounts } = openStorage();
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));

    expect(accounts.get(SHOP_ID)?.status).toBe('active');
    expect(accounts.readToken(SHOP_ID)).toBe(SHOP_TOKEN);
  });
});

describe('a secret storage without a keyring', () => {
  const weak = () => createTestCipher({ strong: false });

  it('refuses to link an account before the user consents', async () => {
    const { accounts, filePath } = openStorage({ cipher: weak() });
    const before = await fileText(filePath);

    expect(() => accounts.link(linkInput(SHOP_ID, SHOP_TOKEN))).toThrow(
      SecretStorageRefusedError,
    );
    expect(await fileText(filePath)).toBe(before);
  });

  it('names the backend in the refusal', () => {
    const { accounts } = openStorage({ cipher: weak() });

    expect(() => accounts.link(linkInput(SHOP_ID, SHOP_TOKEN))).toThrow(
      /basic_text/,
    );
  });

  it('links the account once the user consents', () => {
    const { accounts, settings } = openStorage({ cipher: weak() });
    settings.update({ allowWeakSecretStorage: true });

    expect(accounts.link(linkInput(SHOP_ID, SHOP_TOKEN)).userId).toBe(SHOP_ID);
    expect(accounts.readToken(SHOP_ID)).toBe(SHOP_TOKEN);
  });

  it('refuses a refreshed token after consent is withdrawn', () => {
    const { accounts, settings } = openStorage({ cipher: weak() });
    settings.update({ allowWeakSecretStorage: true });
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    settings.update({ allowWeakSecretStorage: false });
    const token = refreshedToken('IGAAshop-refreshed-token-0003');

    expect(() => accounts.saveRefreshedToken(SHOP_ID, token, now)).toThrow(
      SecretStorageRefusedError,
    );
    expect(accounts.readToken(SHOP_ID)).toBe(SHOP_TOKEN);
  });
});

describe('an account record that cannot be read', () => {
  /** Links the shop, then changes its record on disk by hand. */
  async function linkThenEdit(
    edit: (accounts: Record<string, unknown>) => void,
  ): Promise<string> {
    const first = openStorage();
    first.accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));
    const data = JSON.parse(await fileText(first.filePath)) as {
      accounts: Record<string, unknown>;
    };
    edit(data.accounts);
    await writeFile(first.filePath, JSON.stringify(data));

    return first.filePath;
  }

  function withUsername(value: unknown) {
    return (accounts: Record<string, unknown>): void => {
      accounts[SHOP_ID] = {
        ...(accounts[SHOP_ID] as object),
        username: value,
      };
    };
  }

  it('is reported in a notice that asks to connect it again', async () => {
    const filePath = await linkThenEdit(withUsername(123));
    const { notices } = openStorage();

    expect(notices).toEqual([
      {
        kind: 'account-unreadable',
        userId: SHOP_ID,
        movedTo: filePath,
        message: expect.stringMatching(/connect it again/i) as string,
      },
    ]);
    expect(notices[0]?.message).toContain(SHOP_ID);
  });

  it('is reported when it is filed under another id than its own', async () => {
    await linkThenEdit((accounts) => {
      accounts[STUDIO_ID] = accounts[SHOP_ID];
      delete accounts[SHOP_ID];
    });
    const { notices } = openStorage();

    expect(notices.map((notice) => notice.userId)).toEqual([STUDIO_ID]);
  });

  it('stays in the file unchanged when other accounts change', async () => {
    const filePath = await linkThenEdit(withUsername(123));
    const before = (await fileAccounts(filePath))[SHOP_ID];
    const { accounts } = openStorage();
    accounts.list();
    accounts.link(linkInput(STUDIO_ID, STUDIO_TOKEN));

    expect((await fileAccounts(filePath))[SHOP_ID]).toEqual(before);
  });

  it('is no longer reported once the account is linked again', async () => {
    await linkThenEdit(withUsername(123));
    const storage = openStorage();
    storage.accounts.link(linkInput(SHOP_ID, SHOP_TOKEN));

    expect(storage.notices).toEqual([]);
    expect(storage.accounts.get(SHOP_ID)?.username).toBe('user_1');
  });

  it('is no longer reported once it is removed', async () => {
    const filePath = await linkThenEdit(withUsername(123));
    const storage = openStorage();

    expect(storage.accounts.remove(SHOP_ID)).toBe(true);
    expect(storage.notices).toEqual([]);
    expect(await fileAccounts(filePath)).toEqual({});
  });

  it('does not hide a readable account from the notices', async () => {
    await linkThenEdit(() => undefined);

    expect(openStorage().notices).toEqual([]);
  });
});

describe('the provider of an account', () => {
  it('is stored as the connect flow gave it', async () => {
    const { accounts, filePath } = openStorage();

    const summary = accounts.link(
      linkInput(SHOP_ID, SHOP_TOKEN, { provider: 'sandbox' }),
    );

    expect(summary.provider).toBe('sandbox');
    expect((await fileAccounts(filePath))[SHOP_ID]?.provider).toBe('sandbox');
    expect(openStorage().accounts.get(SHOP_ID)?.provider).toBe('sandbox');
  });

  it('is kept through a refresh and a reconnect mark', () => {
    const { accounts } = openStorage();
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN, { provider: 'sandbox' }));
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
    accounts.link(linkInput(SHOP_ID, SHOP_TOKEN, { provider: 'sandbox' }));

    const summary = accounts.link(
      linkInput(SHOP_ID, SHOP_TOKEN, { provider: 'instagram' }),
    );

    expect(summary.provider).toBe('instagram');
  });

  it('reads as Instagram for a record saved without one', async () => {
    const first = openStorage();
    first.accounts.link(
      linkInput(SHOP_ID, SHOP_TOKEN, { provider: 'sandbox' }),
    );
    const data = JSON.parse(await fileText(first.filePath)) as {
      accounts: Record<string, Record<string, unknown>>;
    };
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
    first.accounts.link(
      linkInput(SHOP_ID, SHOP_TOKEN, { provider: 'sandbox' }),
    );
    const data = JSON.parse(await fileText(first.filePath)) as {
      accounts: Record<string, Record<string, unknown>>;
    };
    data.accounts[SHOP_ID]!.provider = 'facebook';
    await writeFile(first.filePath, JSON.stringify(data));

    const { accounts } = openStorage();

    expect(accounts.get(SHOP_ID)).toBeUndefined();
  });
});
