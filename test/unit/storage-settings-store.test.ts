import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { silentLogger } from '../../electron/core/logger';
import { type SecretCipher, type Settings } from '../../electron/core/types';
import {
  AppSecretMissingError,
  AppSecretUnreadableError,
  DEFAULT_SETTINGS,
  openInstalinkStorage,
  SecretStorageRefusedError,
  settingsSchema,
  SettingsValidationError,
} from '../../electron/storage/index';
import {
  createTestCipher,
  createUnreadableCipher,
} from '../support/test-cipher';

const APP_SECRET = '0123456789abcdef0123456789abcdef';
const clock = { now: () => Date.UTC(2025, 0, 1) };

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'instalink-settings-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function openStorage(cipher: SecretCipher = createTestCipher()) {
  return openInstalinkStorage({
    dataDir,
    cipher,
    clock,
    logger: silentLogger,
  });
}

async function fileText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

/** The field errors of a refused update, or undefined when it saved. */
function fieldErrorsOf(
  update: () => unknown,
): Record<string, string> | undefined {
  try {
    update();
  } catch (error) {
    if (error instanceof SettingsValidationError) {
      return error.fieldErrors;
    }
    throw error;
  }

  return undefined;
}

describe('settings of a fresh install', () => {
  it('are the defaults', () => {
    const { settings } = openStorage();

    expect(settings.get()).toEqual({
      provider: 'sandbox',
      appId: '',
      redirectMode: 'loopback',
      relayUrl: '',
      port: 53682,
      scopes: ['instagram_business_basic'],
      allowWeakSecretStorage: false,
    });
  });

  it('pass their own schema', () => {
    expect(settingsSchema.safeParse(DEFAULT_SETTINGS).success).toBe(true);
  });
});

describe('updating settings', () => {
  it('saves a valid patch to the file', () => {
    openStorage().settings.update({
      provider: 'instagram',
      appId: '1234567890123456',
      port: 50123,
      scopes: [
        'instagram_business_basic',
        'instagram_business_manage_insights',
      ],
    });

    expect(openStorage().settings.get()).toMatchObject({
      provider: 'instagram',
      appId: '1234567890123456',
      port: 50123,
      redirectMode: 'loopback',
    });
  });

  it('accepts an https relay URL', () => {
    const { settings } = openStorage();
    const saved = settings.update({
      redirectMode: 'relay',
      relayUrl: 'https://example.github.io/instalink-relay/',
    });

    expect(saved.relayUrl).toBe('https://example.github.io/instalink-relay/');
  });

  it('ignores fields left undefined in the patch', () => {
    const { settings } = openStorage();

    expect(settings.update({ port: undefined }).port).toBe(53682);
  });

  it('returns copies that cannot change the saved settings', () => {
    const { settings } = openStorage();
    settings.get().scopes.push('instagram_business_content_publish');

    expect(settings.get().scopes).toEqual(['instagram_business_basic']);
  });
});

describe('settings validation', () => {
  it('gives one message per invalid field', () => {
    const { settings } = openStorage();
    const errors = fieldErrorsOf(() =>
      settings.update({
        port: 80,
        appId: 'my-app',
        relayUrl: 'http://relay.example.com/',
        scopes: [],
      }),
    );

    expect(Object.keys(errors ?? {}).sort()).toEqual([
      'appId',
      'port',
      'relayUrl',
      'scopes',
    ]);
  });

  it.each<[string, Partial<Settings>, string]>([
    ['a port below 1024', { port: 1023 }, 'Choose a port from 1024 to 65535.'],
    [
      'a port above 65535',
      { port: 65536 },
      'Choose a port from 1024 to 65535.',
    ],
    [
      'a fractional port',
      { port: 5000.5 },
      'Choose a port from 1024 to 65535.',
    ],
    [
      'a port given as text',
      { port: '53682' as unknown as number },
      'Choose a port from 1024 to 65535.',
    ],
    ['a port that is NaN', { port: NaN }, 'Choose a port from 1024 to 65535.'],
    ['an App ID with letters', { appId: '12ab' }, 'digits only'],
    ['a relay URL over http', { relayUrl: 'http://x.example/' }, 'https://'],
    ['a relay URL that is not a URL', { relayUrl: 'relay page' }, 'https://'],
    ['no scopes', { scopes: [] }, 'at least one permission'],
    ['an unknown scope', { scopes: ['user_profile'] }, 'Unknown'],
    [
      'a scope listed twice',
      { scopes: ['instagram_business_basic', 'instagram_business_basic'] },
      'twice',
    ],
  ])('refuses %s with a message for that field', (_label, patch, message) => {
    const { settings } = openStorage();
    const errors = fieldErrorsOf(() => settings.update(patch));
    const field = Object.keys(patch)[0] ?? '';

    expect(errors?.[field]).toContain(message);
  });

  it('refuses a setting it does not know', () => {
    const { settings } = openStorage();
    const patch = { theme: 'dark' } as Partial<Settings>;

    expect(fieldErrorsOf(() => settings.update(patch))).toEqual({
      theme: 'This is not a known setting.',
    });
  });

  it('saves nothing when one field is invalid', async () => {
    const { settings, filePath } = openStorage();
    const before = await fileText(filePath);
    fieldErrorsOf(() => settings.update({ appId: '123', port: 1 }));

    expect(await fileText(filePath)).toBe(before);
    expect(settings.get().appId).toBe('');
  });
});

describe('settings saved by hand or by another build', () => {
  it('fall back to the default for an invalid field alone', async () => {
    const filePath = join(dataDir, 'instalink.json');
    const settings = { port: 'fifty', appId: '987654321' };
    await writeFile(
      filePath,
      JSON.stringify({ schemaVersion: 1, accounts: {}, settings }),
    );

    expect(openStorage().settings.get()).toMatchObject({
      port: 53682,
      appId: '987654321',
    });
  });
});

describe('the App Secret', () => {
  it('is stored encrypted, never in plain text', async () => {
    const { settings, filePath } = openStorage();
    settings.setAppSecret(APP_SECRET);

    expect(await fileText(filePath)).not.toContain(APP_SECRET);
    expect(settings.hasAppSecret()).toBe(true);
  });

  it('comes back only through readAppSecret', () => {
    openStorage().settings.setAppSecret(` ${APP_SECRET}\n`);
    const { settings } = openStorage();

    expect(JSON.stringify(settings.get())).not.toContain(APP_SECRET);
    expect(settings.readAppSecret()).toBe(APP_SECRET);
  });

  it('is removed from the file when cleared', async () => {
    const { settings, filePath } = openStorage();
    settings.setAppSecret(APP_SECRET);
    settings.clearAppSecret();

    expect(JSON.parse(await fileText(filePath))).not.toHaveProperty(
      'appSecret',
    );
    expect(settings.hasAppSecret()).toBe(false);
  });

  it('cannot be read when none is set', () => {
    const { settings } = openStorage();

    expect(() => settings.readAppSecret()).toThrow(AppSecretMissingError);
  });

  it('cannot be read when it cannot be decrypted', () => {
    openStorage().settings.setAppSecret(APP_SECRET);
    const { settings } = openStorage(createUnreadableCipher());

    expect(() => settings.readAppSecret()).toThrow(AppSecretUnreadableError);
  });

  it('is refused when empty', () => {
    const { settings } = openStorage();

    expect(() => settings.setAppSecret('  ')).toThrow(SettingsValidationError);
  });

  it('is refused without a keyring until the user consents', async () => {
    const { settings, filePath } = openStorage(
      createTestCipher({ strong: false }),
    );
    const before = await fileText(filePath);

    expect(() => settings.setAppSecret(APP_SECRET)).toThrow(
      SecretStorageRefusedError,
    );
    expect(await fileText(filePath)).toBe(before);
  });

  it('is stored without a keyring once the user consents', () => {
    const { settings } = openStorage(createTestCipher({ strong: false }));
    settings.update({ allowWeakSecretStorage: true });
    settings.setAppSecret(APP_SECRET);

    expect(settings.readAppSecret()).toBe(APP_SECRET);
  });
});

describe('the redirect setup', () => {
  const RELAY_URL_NEEDED =
    'Enter the HTTPS address of your relay page, or choose loopback.';

  it('refuses relay mode without a relay URL', () => {
    const { settings } = openStorage();
    const errors = fieldErrorsOf(() =>
      settings.update({ redirectMode: 'relay' }),
    );

    expect(errors).toEqual({ relayUrl: RELAY_URL_NEEDED });
  });

  it('saves nothing when relay mode has no relay URL', async () => {
    const { settings, filePath } = openStorage();
    const before = await fileText(filePath);
    fieldErrorsOf(() => settings.update({ redirectMode: 'relay' }));

    expect(await fileText(filePath)).toBe(before);
    expect(settings.get().redirectMode).toBe('loopback');
  });

  it('refuses relay mode when the relay URL is cleared', () => {
    const { settings } = openStorage();
    settings.update({
      redirectMode: 'relay',
      relayUrl: 'https://example.github.io/relay/',
    });
    const errors = fieldErrorsOf(() => settings.update({ relayUrl: '' }));

    expect(errors).toEqual({ relayUrl: RELAY_URL_NEEDED });
  });

  it('reports a missing relay URL next to other invalid fields', () => {
    const { settings } = openStorage();
    const errors = fieldErrorsOf(() =>
      settings.update({ redirectMode: 'relay', port: 80 }),
    );

    expect(errors).toEqual({
      relayUrl: RELAY_URL_NEEDED,
      port: 'Choose a port from 1024 to 65535.',
    });
  });

  it.each([
    ['a trailing space', 'https://example.github.io/relay/ '],
    ['a space inside', 'https://example.github.io/my relay/'],
    ['a newline', 'https://example.github.io/relay/\n'],
  ])('refuses a relay URL with %s, saving nothing', (_label, relayUrl) => {
    const { settings } = openStorage();
    const errors = fieldErrorsOf(() =>
      settings.update({ redirectMode: 'relay', relayUrl }),
    );

    expect(errors?.relayUrl).toBeDefined();
    expect(settings.get().redirectMode).toBe('loopback');
  });

  it('has the schema itself refuse relay mode without a relay URL', () => {
    const result = settingsSchema.safeParse({
      ...DEFAULT_SETTINGS,
      redirectMode: 'relay',
    });

    expect(result.error?.issues[0]?.path).toEqual(['relayUrl']);
  });

  it.each([
    ['a fragment', 'https://example.github.io/relay/#_'],
    ['an empty fragment', 'https://example.github.io/relay/#'],
  ])('refuses a relay URL with %s', (_label, relayUrl) => {
    const { settings } = openStorage();
    const errors = fieldErrorsOf(() =>
      settings.update({ redirectMode: 'relay', relayUrl }),
    );

    expect(errors?.relayUrl).toContain('#');
  });

  it.each([
    ['a user name and password', 'https://me:pw@example.github.io/relay/'],
    ['a user name', 'https://me@example.github.io/relay/'],
  ])('refuses a relay URL with %s', (_label, relayUrl) => {
    const { settings } = openStorage();
    const errors = fieldErrorsOf(() => settings.update({ relayUrl }));

    expect(errors?.relayUrl).toContain('user name or password');
  });

  it('accepts a relay URL with @ in its path', () => {
    const { settings } = openStorage();
    const relayUrl = 'https://pages.example.org/@team/relay/';

    expect(settings.update({ redirectMode: 'relay', relayUrl }).relayUrl).toBe(
      relayUrl,
    );
  });

  it('refuses a relay URL with empty credentials', () => {
    const { settings } = openStorage();
    const errors = fieldErrorsOf(() =>
      settings.update({ relayUrl: 'https://:@example.github.io/relay/' }),
    );

    expect(errors?.relayUrl).toContain('user name or password');
  });

  it('opens relay mode saved without a URL by an older build as loopback', async () => {
    const settings = { redirectMode: 'relay', relayUrl: '', appId: '42' };
    await writeFile(
      join(dataDir, 'instalink.json'),
      JSON.stringify({ schemaVersion: 1, accounts: {}, settings }),
    );

    expect(openStorage().settings.get()).toMatchObject({
      redirectMode: 'loopback',
      appId: '42',
    });
  });
});
