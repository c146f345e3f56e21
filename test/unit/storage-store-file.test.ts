import { spawnSync } from 'node:child_process';
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { silentLogger } from '../../electron/core/logger';
import { type Clock } from '../../electron/core/types';
import { type StoreMigrations } from '../../electron/storage/migrations';
import { DEFAULT_SETTINGS } from '../../electron/storage/settings-store';
import {
  type ConfOptions,
  createConfStore,
  openStoreFile,
} from '../../electron/storage/store-file';

const TRUNCATED_FIXTURE = resolve('test/fixtures/store-truncated.json');

/** 2025-03-04T05:06:07.089Z, so aside names are predictable. */
const clock: Clock = { now: () => Date.UTC(2025, 2, 4, 5, 6, 7, 89) };
const ASIDE_NAME = 'instalink.corrupt-2025-03-04T05-06-07.089Z.json';

/**
 * A store file written by a made-up schema version 0, which kept its
 * accounts as a list; the made-up migration keys them by user id.
 */
const V0_FIXTURE = {
  accountList: [{ userId: '17841400000000001', username: 'example_shop' }],
};
const V0_TO_V1: StoreMigrations = {
  0: (data) => {
    const list = data.accountList as Array<{ userId: string }>;
    return {
      schemaVersion: 1,
      accounts: Object.fromEntries(list.map((item) => [item.userId, item])),
      settings: {},
    };
  },
};

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'instalink-store-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function open(extra: { migrations?: StoreMigrations } = {}) {
  return openStoreFile({ dataDir, clock, logger: silentLogger, ...extra });
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

describe('a new store file', () => {
  it('starts with empty schema version 1 data', async () => {
    const { filePath, notices } = open();

    expect(filePath).toBe(join(dataDir, 'instalink.json'));
    expect(await readJson(filePath)).toEqual({
      schemaVersion: 1,
      accounts: {},
      settings: {},
    });
    expect(notices).toEqual([]);
  });

  it('is readable and writable by its owner only', async () => {
    const { filePath } = open();

    expect((await stat(filePath)).mode & 0o777).toBe(0o600);
  });

  it('keeps mode 0600 after the store rewrites it', async () => {
    const { store, filePath } = open();
    store.set('settings', { port: 50000 });

    expect((await stat(filePath)).mode & 0o777).toBe(0o600);
  });

  it('leaves no temporary files behind after a write', async () => {
    const { store } = open();
    store.set('settings', { port: 50000 });

    expect(await readdir(dataDir)).toEqual(['instalink.json']);
  });

  it('gives the store factory the options for a safe file', () => {
    const seen: ConfOptions[] = [];
    openStoreFile({
      dataDir,
      clock,
      logger: silentLogger,
      createStore: (options) => {
        seen.push(options);
        return createConfStore(options);
      },
    });

    expect(seen[0]).toMatchObject({
      cwd: dataDir,
      configName: 'instalink',
      name: 'instalink',
      projectName: 'instalink',
      configFileMode: 0o600,
      clearInvalidConfig: false,
    });
  });
});

describe('an existing store file', () => {
  it('is opened as it is when it holds current data', async () => {
    const filePath = join(dataDir, 'instalink.json');
    const data = {
      schemaVersion: 1,
      accounts: { '17841400000000001': { username: 'a' } },
      settings: { port: 50000 },
    };
    await writeFile(filePath, JSON.stringify(data));
    const { store, notices } = open();

    expect(store.get('settings')).toEqual({ port: 50000 });
    expect(notices).toEqual([]);
  });

  it('has a looser mode narrowed to 0600 on open', async () => {
    const filePath = join(dataDir, 'instalink.json');
    await writeFile(
      filePath,
      '{"schemaVersion":1,"accounts":{},"settings":{}}',
    );
    await chmod(filePath, 0o644);
    open();

    expect((await stat(filePath)).mode & 0o777).toBe(0o600);
  });
});

describe('a store file cut mid-write', () => {
  beforeEach(async () => {
    await copyFile(TRUNCATED_FIXTURE, join(dataDir, 'instalink.json'));
  });

  it('is moved aside with its bytes intact', async () => {
    open();

    expect(await readFile(join(dataDir, ASIDE_NAME))).toEqual(
      await readFile(TRUNCATED_FIXTURE),
    );
  });

  it('is reported in a notice naming where it went', () => {
    const { notices } = open();

    expect(notices).toEqual([
      {
        kind: 'store-recovered',
        movedTo: join(dataDir, ASIDE_NAME),
        message: expect.stringContaining(join(dataDir, ASIDE_NAME)),
      },
    ]);
  });

  it('leaves the app starting with an empty store', async () => {
    const { store, filePath } = open();

    expect(store.get('accounts')).toEqual({});
    expect(await readJson(filePath)).toMatchObject({ schemaVersion: 1 });
  });

  it('never replaces an earlier file kept aside under the same name', async () => {
    await writeFile(join(dataDir, ASIDE_NAME), 'kept from before');
    const { notices } = open();

    expect(await readFile(join(dataDir, ASIDE_NAME), 'utf8')).toBe(
      'kept from before',
    );
    expect(notices[0]?.movedTo).toBe(
      join(dataDir, 'instalink.corrupt-2025-03-04T05-06-07.089Z-1.json'),
    );
  });
});

describe('other unusable store files', () => {
  it.each([
    ['an empty file', ''],
    ['a JSON list', '[]'],
    ['accounts that are not keyed', '{"schemaVersion":1,"accounts":[]}'],
    ['a version that is not a number', '{"schemaVersion":"one"}'],
  ])('moves aside %s', async (_label, text) => {
    await writeFile(join(dataDir, 'instalink.json'), text);
    const { notices } = open();

    expect(await readFile(join(dataDir, ASIDE_NAME), 'utf8')).toBe(text);
    expect(notices).toHaveLength(1);
  });

  it('moves aside a store path that is a folder, not a file', async () => {
    await mkdir(join(dataDir, 'instalink.json'));
    const { notices, filePath } = open();

    expect((await stat(join(dataDir, ASIDE_NAME))).isDirectory()).toBe(true);
    expect((await stat(filePath)).isFile()).toBe(true);
    expect(notices[0]?.message).toContain('EISDIR');
  });
});

/**
 * Root reads any file whatever its mode, so the probe runs as `nobody`
 * when the tests run as root; otherwise as the current user.
 */
function openAsUnprivilegedUser(): { notices: Array<{ message: string }> } {
  const isRoot = process.getuid?.() === 0;
  const storeModule = resolve('electron/storage/store-file.ts');
  const loggerModule = resolve('electron/core/logger.ts');
  const script =
    `const { openStoreFile } = await import(${JSON.stringify(storeModule)});` +
    `const { silentLogger } = await import(${JSON.stringify(loggerModule)});` +
    `const opened = openStoreFile({ dataDir: ${JSON.stringify(dataDir)},` +
    ` clock: { now: () => ${clock.now()} }, logger: silentLogger });` +
    'process.stdout.write(JSON.stringify({ notices: opened.notices }));';
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', script],
    {
      cwd: process.cwd(),
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: dataDir },
      ...(isRoot ? { uid: 65534, gid: 65534 } : {}),
    },
  );
  expect(child.stderr).toBe('');

  return JSON.parse(child.stdout) as { notices: Array<{ message: string }> };
}

describe('a store file the user cannot read', () => {
  it('is moved aside and reported instead of crashing', async () => {
    const filePath = join(dataDir, 'instalink.json');
    await writeFile(filePath, '{"schemaVersion":1,"accounts":{}}');
    await chmod(filePath, 0o000);
    await chmod(dataDir, 0o777);

    const { notices } = openAsUnprivilegedUser();

    expect(notices[0]?.message).toContain('EACCES');
    await chmod(join(dataDir, ASIDE_NAME), 0o600);
    expect(await readFile(join(dataDir, ASIDE_NAME), 'utf8')).toBe(
      '{"schemaVersion":1,"accounts":{}}',
    );
  });
});

describe('schema versions', () => {
  it('moves aside a file from a newer version, unchanged', async () => {
    const text = '{"schemaVersion":2,"accounts":{},"profiles":[]}';
    await writeFile(join(dataDir, 'instalink.json'), text);
    const { notices, store } = open();
    const asidePath = join(
      dataDir,
      'instalink.v2-2025-03-04T05-06-07.089Z.json',
    );

    expect(await readFile(asidePath, 'utf8')).toBe(text);
    expect(notices[0]?.message).toContain('newer version');
    expect(store.get('schemaVersion')).toBe(1);
  });

  it('migrates a version 0 file with the given migration', async () => {
    await writeFile(
      join(dataDir, 'instalink.json'),
      JSON.stringify(V0_FIXTURE),
    );
    const { filePath, notices } = open({ migrations: V0_TO_V1 });

    expect(notices).toEqual([]);
    expect(await readJson(filePath)).toEqual({
      schemaVersion: 1,
      accounts: {
        '17841400000000001': {
          userId: '17841400000000001',
          username: 'example_shop',
        },
      },
      settings: {},
    });
  });

  it('moves aside a file whose migration throws, unchanged', async () => {
    const text = JSON.stringify(V0_FIXTURE);
    await writeFile(join(dataDir, 'instalink.json'), text);
    const failing: StoreMigrations = {
      0: () => {
        throw new Error('cannot convert');
      },
    };
    const { notices } = open({ migrations: failing });

    expect(await readFile(join(dataDir, ASIDE_NAME), 'utf8')).toBe(text);
    expect(notices[0]?.message).toContain('cannot be upgraded');
  });

  it('gives a file without a version the sections it lacks', async () => {
    await writeFile(
      join(dataDir, 'instalink.json'),
      '{"settings":{"port":50000}}',
    );
    const { filePath } = open();

    expect(await readJson(filePath)).toEqual({
      schemaVersion: 1,
      accounts: {},
      settings: { port: 50000 },
    });
  });
});

/** A record as the account store writes it; only its shape matters here. */
const SHOP_RECORD = {
  userId: '17841400000000001',
  username: 'example_shop',
  scopes: ['instagram_business_basic'],
  linkedAt: 1,
  tokenIssuedAt: 1,
  tokenExpiresAt: 2,
  status: 'active',
  tokenType: 'bearer',
  encryptedToken: 'c2VhbGVk',
};

async function writeStoreText(text: string): Promise<void> {
  await writeFile(join(dataDir, 'instalink.json'), text);
}

describe('a store file that starts with a byte order mark', () => {
  const text = JSON.stringify({
    schemaVersion: 1,
    accounts: { [SHOP_RECORD.userId]: SHOP_RECORD },
    settings: { port: 50000 },
  });

  it('is opened with its data and no notice', async () => {
    await writeStoreText(`\uFEFF${text}`);
    const { store, notices } = open();

    expect(store.get('settings')).toEqual({ port: 50000 });
    expect(store.get('accounts')).toEqual({
      [SHOP_RECORD.userId]: SHOP_RECORD,
    });
    expect(notices).toEqual([]);
  });

  it('is kept in place without the mark', async () => {
    await writeStoreText(`\uFEFF${text}`);
    const { filePath } = open();

    expect(await readFile(filePath, 'utf8')).toBe(text);
    expect(await readdir(dataDir)).toEqual(['instalink.json']);
  });
});

describe('a store file with a schema version written as text', () => {
  it('is opened with its data and no notice', async () => {
    await writeStoreText(
      JSON.stringify({
        schemaVersion: '1',
        accounts: { [SHOP_RECORD.userId]: SHOP_RECORD },
        settings: { port: 50000 },
      }),
    );
    const { filePath, notices } = open();

    expect(await readJson(filePath)).toEqual({
      schemaVersion: 1,
      accounts: { [SHOP_RECORD.userId]: SHOP_RECORD },
      settings: { port: 50000 },
    });
    expect(notices).toEqual([]);
  });
});

describe('a store file that parses but has a bad section', () => {
  const ACCOUNTS_AS_LIST = JSON.stringify({
    schemaVersion: 1,
    accounts: [],
    settings: { port: 50000 },
  });
  const SETTINGS_NULL = JSON.stringify({
    schemaVersion: 1,
    accounts: { [SHOP_RECORD.userId]: SHOP_RECORD },
    settings: null,
  });

  it('keeps the settings when the accounts are not keyed by id', async () => {
    await writeStoreText(ACCOUNTS_AS_LIST);
    const { store } = open();

    expect(store.get('settings')).toEqual({ port: 50000 });
    expect(store.get('accounts')).toEqual({});
  });

  it('keeps an unchanged copy of the file aside', async () => {
    await writeStoreText(ACCOUNTS_AS_LIST);
    open();

    expect(await readFile(join(dataDir, ASIDE_NAME), 'utf8')).toBe(
      ACCOUNTS_AS_LIST,
    );
  });

  it('says what was reset and where the copy is', async () => {
    await writeStoreText(ACCOUNTS_AS_LIST);
    const { notices } = open();

    expect(notices).toEqual([
      {
        kind: 'store-recovered',
        movedTo: join(dataDir, ASIDE_NAME),
        message: expect.stringContaining('linked accounts') as string,
      },
    ]);
    expect(notices[0]?.message).toContain(join(dataDir, ASIDE_NAME));
    expect(notices[0]?.message).not.toContain('without linked accounts');
  });

  it('keeps the accounts when the settings are not an object', async () => {
    await writeStoreText(SETTINGS_NULL);
    const { store, notices } = open();

    expect(store.get('accounts')).toEqual({
      [SHOP_RECORD.userId]: SHOP_RECORD,
    });
    expect(store.get('settings')).toEqual(DEFAULT_SETTINGS);
    expect(notices[0]?.message).toContain('settings');
  });

  it('resets only the settings fields that cannot be used', async () => {
    await writeStoreText(
      JSON.stringify({
        schemaVersion: 1,
        accounts: {},
        settings: { port: 'fifty', appId: '42' },
      }),
    );
    const { store, notices } = open();

    expect(store.get('settings')).toEqual({ ...DEFAULT_SETTINGS, appId: '42' });
    expect(notices[0]?.message).toContain('port');
    expect(notices[0]?.message).not.toContain('App ID');
  });

  it('keys account records found in a list by their id', async () => {
    await writeStoreText(
      JSON.stringify({
        schemaVersion: 1,
        accounts: [SHOP_RECORD],
        settings: {},
      }),
    );
    const { store } = open();

    expect(store.get('accounts')).toEqual({
      [SHOP_RECORD.userId]: SHOP_RECORD,
    });
  });

  it('drops an App Secret that is not text, and says so', async () => {
    await writeStoreText(
      JSON.stringify({
        schemaVersion: 1,
        accounts: {},
        settings: { port: 50000 },
        appSecret: 42,
      }),
    );
    const { store, notices } = open();

    expect(store.get('appSecret')).toBeUndefined();
    expect(store.get('settings')).toEqual({ port: 50000 });
    expect(notices[0]?.message).toContain('App Secret');
  });

  it('never replaces an earlier copy kept under the same name', async () => {
    await writeFile(join(dataDir, ASIDE_NAME), 'kept from before');
    await writeStoreText(SETTINGS_NULL);
    const { notices } = open();

    expect(await readFile(join(dataDir, ASIDE_NAME), 'utf8')).toBe(
      'kept from before',
    );
    expect(await readFile(notices[0]?.movedTo ?? '', 'utf8')).toBe(
      SETTINGS_NULL,
    );
  });

  it('keeps a byte order mark in the copy set aside', async () => {
    await writeStoreText(`\uFEFF${SETTINGS_NULL}`);
    open();

    expect(await readFile(join(dataDir, ASIDE_NAME), 'utf8')).toBe(
      `\uFEFF${SETTINGS_NULL}`,
    );
  });
});

describe('a store file with relay mode but no relay URL', () => {
  it('falls back to loopback and names only the redirect mode', async () => {
    await writeStoreText(
      JSON.stringify({
        schemaVersion: 1,
        accounts: {},
        settings: { redirectMode: 'relay', relayUrl: '', port: 50000 },
      }),
    );
    const { store, notices } = open();

    expect(store.get('settings')).toEqual({ ...DEFAULT_SETTINGS, port: 50000 });
    expect(notices[0]?.message).toContain('Reset: the settings redirect mode.');
  });
});
