import { describe, expect, it } from 'vitest';

import { silentLogger } from '../../electron/core/logger';
import {
  type AccountSummary,
  type InstalinkServices,
} from '../../electron/core/types';
import {
  type InvokeChannel,
  type InvokePayload,
  invokeSchemas,
  type IpcResult,
  MAX_PASTE_LENGTH,
} from '../../electron/ipc/contract';
import {
  createIpcHandlers,
  createTrustedSenderCheck,
} from '../../electron/ipc/handlers';
import { SecretStorageRefusedError } from '../../electron/storage/errors';
import { SettingsValidationError } from '../../electron/storage/settings-store';
import { SANDBOX_SHOP_SUMMARY } from '../support/account-fixtures';

const APP_FRAME = 'app://instalink/index.html';
const CHANNELS = Object.keys(invokeSchemas) as InvokeChannel[];

const ACCOUNT = SANDBOX_SHOP_SUMMARY;

/** A payload each channel accepts. */
const VALID: { [C in InvokeChannel]: InvokePayload<C> } = {
  'accounts:list': {},
  'accounts:refresh': { userId: ACCOUNT.userId },
  'accounts:disconnect': { userId: ACCOUNT.userId },
  'connect:start': { forceReauth: true },
  'connect:cancel': {},
  'connect:paste-redirect': { text: 'http://127.0.0.1:1/callback?code=c' },
  'connect:reopen': {},
  'connect:progress': {},
  'settings:get': {},
  'settings:save': { port: 50_000, appSecret: 'new-secret' },
  'notices:list': {},
  'clipboard:copy-text': { text: 'http://127.0.0.1:1/callback' },
};

/** A field of the wrong type, for channels that take fields. */
const WRONG_TYPE: Partial<Record<InvokeChannel, unknown>> = {
  'accounts:refresh': { userId: Number(ACCOUNT.userId) },
  'accounts:disconnect': { userId: [ACCOUNT.userId] },
  'connect:start': { forceReauth: 'yes' },
  'connect:paste-redirect': { text: 42 },
  'settings:save': { port: '53682' },
  'clipboard:copy-text': { text: null },
};

/** A string over the contract's bound, for channels that take strings. */
const OVERSIZED: Partial<Record<InvokeChannel, unknown>> = {
  'accounts:refresh': { userId: '1'.repeat(33) },
  'accounts:disconnect': { userId: '1'.repeat(100_000) },
  'connect:paste-redirect': { text: 'a'.repeat(MAX_PASTE_LENGTH + 1) },
  'settings:save': { appSecret: 's'.repeat(257) },
  'clipboard:copy-text': { text: 'a'.repeat(4097) },
};

interface Stub {
  services: InstalinkServices;
  calls: string[];
}

/** Services that answer with fixed values and record each call's name. */
function stubServices(overrides: Partial<InstalinkServices> = {}): Stub {
  const calls: string[] = [];
  const view = {
    settings: {
      provider: 'sandbox' as const,
      appId: '',
      redirectMode: 'loopback' as const,
      relayUrl: '',
      port: 53682,
      scopes: ['instagram_business_basic'],
      allowWeakSecretStorage: false,
    },
    appSecretSet: false,
    redirectUri: 'http://127.0.0.1:53682/callback',
    dataDir: '/data',
    secretBackend: 'test',
    weakSecretStorage: false,
  };
  const base: InstalinkServices = {
    listAccounts: () => [ACCOUNT],
    startConnect: async () => ({ kind: 'cancelled', message: 'Cancelled.' }),
    cancelConnect: () => undefined,
    submitPastedRedirect: () => undefined,
    reopenAuthorizePage: async () => undefined,
    flowProgress: () => ({ phase: 'idle' }),
    refreshAccount: async () => ACCOUNT,
    disconnect: () => true,
    getSettings: () => view,
    saveSettings: () => view,
    notices: () => [],
    onAccountsChanged: () => () => undefined,
    onFlowProgress: () => () => undefined,
    close: async () => undefined,
    ...overrides,
  };
  const services = new Proxy(base, {
    get: (target, name: keyof InstalinkServices) => {
      calls.push(String(name));
      return target[name];
    },
  });

  return { services, calls };
}

function handlersFor(stub: Stub, copied: string[] = []) {
  return createIpcHandlers({
    services: stub.services,
    isTrustedSender: createTrustedSenderCheck('app://instalink'),
    copyText: (text) => copied.push(text),
    logger: silentLogger,
  });
}

function codeOf(result: IpcResult<unknown>): string | undefined {
  return result.ok ? undefined : result.error.code;
}

/**
 * Calls one handler from the app's frame over fresh stub services; gives
 * the error code (undefined on success) and the services it touched.
 */
async function callFromApp(channel: InvokeChannel, payload: unknown) {
  const stub = stubServices();
  const result = await handlersFor(stub)[channel](APP_FRAME, payload);

  return { code: codeOf(result), calls: stub.calls };
}

describe('every handler', () => {
  it.each(CHANNELS)('%s answers a valid call from the app', async (channel) => {
    const handlers = handlersFor(stubServices());

    const result = await handlers[channel](APP_FRAME, VALID[channel]);

    expect(result.ok).toBe(true);
  });

  it.each(CHANNELS)(
    '%s refuses a call from a foreign frame',
    async (channel) => {
      const stub = stubServices();
      const copied: string[] = [];
      const handlers = handlersFor(stub, copied);

      const results = await Promise.all(
        ['https://evil.example/x', 'app://other/index.html', undefined].map(
          (frame) => handlers[channel](frame, VALID[channel]),
        ),
      );

      expect(results.map(codeOf)).toEqual([
        'forbidden',
        'forbidden',
        'forbidden',
      ]);
      expect(stub.calls).toEqual([]);
      expect(copied).toEqual([]);
    },
  );

  it.each(CHANNELS)(
    '%s refuses payloads that are not objects',
    async (channel) => {
      const stub = stubServices();
      const handlers = handlersFor(stub);

      const results = await Promise.all(
        [null, undefined, 'text', 42, [], true].map((payload) =>
          handlers[channel](APP_FRAME, payload),
        ),
      );

      expect(new Set(results.map(codeOf))).toEqual(new Set(['invalid-input']));
      expect(stub.calls).toEqual([]);
    },
  );

  it.each(CHANNELS)('%s refuses an extra key', async (channel) => {
    const { code, calls } = await callFromApp(channel, {
      ...VALID[channel],
      extra: 1,
    });

    expect(code).toBe('invalid-input');
    expect(calls).toEqual([]);
  });

  it.each(CHANNELS)('%s refuses a __proto__ key', async (channel) => {
    const payload = Object.assign(
      JSON.parse('{"__proto__": {"polluted": true}}') as object,
      VALID[channel],
    );

    const { code, calls } = await callFromApp(channel, payload);

    expect(code).toBe('invalid-input');
    expect(calls).toEqual([]);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it.each(CHANNELS)('%s refuses a constructor key', async (channel) => {
    const { code, calls } = await callFromApp(channel, {
      ...VALID[channel],
      constructor: { prototype: { polluted: true } },
    });

    expect(code).toBe('invalid-input');
    expect(calls).toEqual([]);
  });

  it.each(Object.keys(WRONG_TYPE) as InvokeChannel[])(
    '%s refuses a field of the wrong type',
    async (channel) => {
      const { code, calls } = await callFromApp(channel, WRONG_TYPE[channel]);

      expect(code).toBe('invalid-input');
      expect(calls).toEqual([]);
    },
  );

  it.each(Object.keys(OVERSIZED) as InvokeChannel[])(
    '%s refuses an oversized string',
    async (channel) => {
      const { code, calls } = await callFromApp(channel, OVERSIZED[channel]);

      expect(code).toBe('invalid-input');
      expect(calls).toEqual([]);
    },
  );
});

describe('payload checks', () => {
  it('refuses a poisoned key nested inside a field', async () => {
    const stub = stubServices();
    const scopes = [JSON.parse('{"__proto__": {"polluted": true}}')];

    const result = await handlersFor(stub)['settings:save'](APP_FRAME, {
      scopes,
    });

    expect(codeOf(result)).toBe('invalid-input');
    expect(stub.calls).toEqual([]);
  });

  it('names the field at fault without echoing its value', async () => {
    const handlers = handlersFor(stubServices());

    const result = await handlers['settings:save'](APP_FRAME, {
      port: 'eighty',
      appSecret: 'x'.repeat(300),
    });

    expect(result.ok).toBe(false);
    const error = result.ok ? undefined : result.error;
    expect(Object.keys(error?.fieldErrors ?? {}).sort()).toEqual([
      'appSecret',
      'port',
    ]);
    expect(JSON.stringify(error)).not.toContain('eighty');
    expect(JSON.stringify(error)).not.toContain('xxxxxxxx');
  });

  it('passes the parsed payload to the service', async () => {
    const seen: unknown[] = [];
    const stub = stubServices({
      saveSettings: (patch) => {
        seen.push(patch);
        return stubServices().services.getSettings();
      },
    });

    await handlersFor(stub)['settings:save'](APP_FRAME, { port: 50_001 });

    expect(seen).toEqual([{ port: 50_001 }]);
  });

  it('writes the clipboard through the copyText piece', async () => {
    const copied: string[] = [];
    const handlers = handlersFor(stubServices(), copied);

    await handlers['clipboard:copy-text'](APP_FRAME, { text: 'the link' });

    expect(copied).toEqual(['the link']);
  });
});

describe('results', () => {
  it('drops fields the contract does not name, such as a token', async () => {
    const leaky = { ...ACCOUNT, accessToken: 'IGQVleakedtoken' };
    const handlers = handlersFor(stubServices({ listAccounts: () => [leaky] }));

    const result = await handlers['accounts:list'](APP_FRAME, {});

    expect(result).toEqual({ ok: true, value: [ACCOUNT] });
  });

  it('answers internal when a service result breaks the contract', async () => {
    const broken = {
      ...ACCOUNT,
      status: 'unknown',
    } as unknown as AccountSummary;
    const handlers = handlersFor(
      stubServices({ refreshAccount: async () => broken }),
    );

    const result = await handlers['accounts:refresh'](APP_FRAME, {
      userId: ACCOUNT.userId,
    });

    expect(codeOf(result)).toBe('internal');
  });

  it('drops an avatar that is not a data: image URL', async () => {
    const remote = { ...ACCOUNT, avatarDataUrl: 'https://cdn.example/a.jpg' };
    const handlers = handlersFor(
      stubServices({ listAccounts: () => [remote] }),
    );

    const result = await handlers['accounts:list'](APP_FRAME, {});

    expect(result).toEqual({ ok: true, value: [ACCOUNT] });
  });
});

describe('errors', () => {
  it('turns a settings validation error into field errors', async () => {
    const fieldErrors = { port: 'Choose a port from 1024 to 65535.' };
    const handlers = handlersFor(
      stubServices({
        saveSettings: () => {
          throw new SettingsValidationError(fieldErrors);
        },
      }),
    );

    const result = await handlers['settings:save'](APP_FRAME, { port: 80 });

    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid-settings', fieldErrors },
    });
  });

  it('turns a refused secret into storage-refused', async () => {
    const handlers = handlersFor(
      stubServices({
        saveSettings: () => {
          throw new SecretStorageRefusedError('basic_text');
        },
      }),
    );

    const result = await handlers['settings:save'](APP_FRAME, {
      appSecret: 's',
    });

    expect(codeOf(result)).toBe('storage-refused');
  });

  it('hides the text of an unknown error behind a generic message', async () => {
    const logged: unknown[] = [];
    const logger = {
      ...silentLogger,
      error: (...args: unknown[]) => logged.push(args),
    };
    const handlers = createIpcHandlers({
      services: stubServices({
        refreshAccount: async () => {
          throw new Error('GET /refresh?access_token=IGQVsecret failed');
        },
      }).services,
      isTrustedSender: () => true,
      copyText: () => undefined,
      logger: { ...logger, child: () => logger },
    });

    const result = await handlers['accounts:refresh'](APP_FRAME, {
      userId: ACCOUNT.userId,
    });

    expect(codeOf(result)).toBe('internal');
    expect(JSON.stringify(result)).not.toContain('IGQVsecret');
    expect(logged).toHaveLength(1);
  });

  it('never rejects, even when the sender check throws', async () => {
    const handlers = createIpcHandlers({
      services: stubServices().services,
      isTrustedSender: () => {
        throw new Error('boom');
      },
      copyText: () => undefined,
      logger: silentLogger,
    });

    const result = await handlers['accounts:list'](APP_FRAME, {});

    expect(codeOf(result)).toBe('internal');
  });
});

describe('createTrustedSenderCheck', () => {
  const isApp = createTrustedSenderCheck('app://instalink');

  it('accepts any page of the app origin', () => {
    expect(isApp('app://instalink/index.html')).toBe(true);
    expect(isApp('app://instalink/settings#x')).toBe(true);
  });

  it('refuses other hosts, schemes and opaque origins', () => {
    const foreign = [
      'app://instalink.evil/index.html',
      'app://evil/index.html',
      'https://instalink/index.html',
      'file:///app/index.html',
      'null',
      'about:blank',
      '',
      undefined,
    ];

    expect(foreign.filter((frame) => isApp(frame))).toEqual([]);
  });

  it('requires the exact page for a file: app', () => {
    const isFileApp = createTrustedSenderCheck('file:///opt/app/index.html');

    expect(isFileApp('file:///opt/app/index.html')).toBe(true);
    expect(isFileApp('file:///tmp/evil.html')).toBe(false);
  });

  it('compares the port of an http origin', () => {
    const isLocal = createTrustedSenderCheck('http://127.0.0.1:5173');

    expect(isLocal('http://127.0.0.1:5173/index.html')).toBe(true);
    expect(isLocal('http://127.0.0.1:5174/index.html')).toBe(false);
  });
});
