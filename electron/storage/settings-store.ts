import { z } from 'zod';

import { type Logger } from '../core/logger';
import {
  INSTAGRAM_SCOPES,
  type SecretCipher,
  type Settings,
  type SettingsStore,
} from '../core/types';
import { AppSecretMissingError, AppSecretUnreadableError } from './errors';
import { encryptSecret } from './secret-policy';
import { type ConfLike } from './store-file';

export { SecretStorageRefusedError } from './errors';

/** Options of `createSettingsStore`. */
export interface SettingsStoreOptions {
  store: ConfLike;
  cipher: SecretCipher;
  logger: Logger;
}

/** A settings change was refused; `fieldErrors` says why, per field. */
export class SettingsValidationError extends Error {
  override readonly name = 'SettingsValidationError';

  constructor(readonly fieldErrors: Record<string, string>) {
    super(
      `Some settings are not valid (${Object.keys(fieldErrors).join(', ')}). ` +
        'Nothing was saved.',
    );
  }
}

/** The settings of a fresh install: the sandbox, so it runs offline. */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  provider: 'sandbox',
  appId: '',
  redirectMode: 'loopback',
  relayUrl: '',
  port: 53682,
  scopes: ['instagram_business_basic'],
  allowWeakSecretStorage: false,
});

/** The longest App Secret accepted; Meta's are 32 hex characters. */
const MAX_APP_SECRET_LENGTH = 256;

function isEmptyOrHttpsUrl(value: string): boolean {
  if (value === '') {
    return true;
  }
  if (!URL.canParse(value)) {
    return false;
  }

  const url = new URL(value);
  return url.protocol === 'https:' && url.hostname !== '';
}

function hasNoDuplicates(values: readonly string[]): boolean {
  return new Set(values).size === values.length;
}

/**
 * The settings as saved. Ports below 1024 need privileges on Unix; an App
 * ID is the number Meta's dashboard shows; Instagram requires an HTTPS
 * redirect URI, so the relay page must be served over HTTPS.
 */
export const settingsSchema = z.strictObject({
  provider: z.enum(['instagram', 'sandbox'], {
    error: 'Choose Instagram or the sandbox.',
  }),
  appId: z
    .string({ error: 'The App ID must be text.' })
    .max(32, { error: 'The App ID is at most 32 digits.' })
    .regex(/^\d*$/, {
      error: "The App ID is the number in Meta's dashboard: digits only.",
    }),
  redirectMode: z.enum(['loopback', 'relay'], {
    error: 'Choose loopback or relay.',
  }),
  relayUrl: z
    .string({ error: 'The relay URL must be text.' })
    .max(2048, { error: 'The relay URL is too long.' })
    .refine(isEmptyOrHttpsUrl, {
      error: 'The relay page needs a full https:// address.',
    }),
  port: z
    .number({ error: 'The port must be a whole number.' })
    .int({ error: 'The port must be a whole number.' })
    .min(1024, { error: 'Choose a port from 1024 to 65535.' })
    .max(65535, { error: 'Choose a port from 1024 to 65535.' }),
  scopes: z
    .array(
      z.enum(INSTAGRAM_SCOPES, { error: 'Unknown Instagram permission.' }),
      { error: 'Permissions must be a list.' },
    )
    .min(1, { error: 'Choose at least one permission.' })
    .refine(hasNoDuplicates, { error: 'A permission is listed twice.' }),
  allowWeakSecretStorage: z.boolean({ error: 'Must be on or off.' }),
}) satisfies z.ZodType<Settings>;

/**
 * Settings over the store file's `settings` section, and the App Secret,
 * which is kept apart (top-level `appSecret`, encrypted) and comes back
 * out only through `readAppSecret`.
 */
export function createSettingsStore(
  options: SettingsStoreOptions,
): SettingsStore {
  const state: SettingsState = {
    store: options.store,
    cipher: options.cipher,
    log: options.logger.child('settings'),
  };

  return {
    get: () => getSettings(state),
    update: (patch) => updateSettings(state, patch),
    hasAppSecret: () => hasAppSecret(state),
    setAppSecret: (secret) => setAppSecret(state, secret),
    clearAppSecret: () => clearAppSecret(state),
    readAppSecret: () => readAppSecret(state),
  };
}

/** One settings store's parts, and the settings once read. */
interface SettingsState {
  store: ConfLike;
  cipher: SecretCipher;
  log: Logger;
  cached?: Settings;
}

function getSettings(state: SettingsState): Settings {
  state.cached ??= readStoredSettings(state.store.get('settings'), state.log);
  return copySettings(state.cached);
}

function updateSettings(
  state: SettingsState,
  patch: Partial<Settings>,
): Settings {
  const merged = { ...getSettings(state), ...withoutUndefined(patch) };
  const result = settingsSchema.safeParse(merged);
  if (!result.success) {
    throw new SettingsValidationError(fieldErrorsOf(result.error));
  }

  state.store.set('settings', result.data);
  state.cached = result.data;
  state.log.info('settings saved', { changed: Object.keys(patch) });

  return copySettings(result.data);
}

function hasAppSecret(state: SettingsState): boolean {
  const stored = state.store.get('appSecret');
  return typeof stored === 'string' && stored !== '';
}

function setAppSecret(state: SettingsState, secret: string): void {
  const trimmed = checkedAppSecret(secret);
  const encrypted = encryptSecret(
    state.cipher,
    getSettings(state).allowWeakSecretStorage,
    trimmed,
    'App Secret',
  );

  state.store.set('appSecret', encrypted);
  state.log.info('app secret saved');
}

function clearAppSecret(state: SettingsState): void {
  state.store.delete('appSecret');
  state.log.info('app secret cleared');
}

function readAppSecret(state: SettingsState): string {
  const stored = state.store.get('appSecret');
  if (typeof stored !== 'string' || stored === '') {
    throw new AppSecretMissingError();
  }

  try {
    return state.cipher.decrypt(stored);
  } catch {
    state.log.warn('the app secret cannot be decrypted');
    throw new AppSecretUnreadableError();
  }
}

/**
 * The saved settings over the defaults. A value that fails the schema (a
 * hand edit, an older build) falls back to its default alone, so one bad
 * field never costs the others.
 */
function readStoredSettings(stored: unknown, log: Logger): Settings {
  const candidate: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const saved = isPlainObject(stored) ? stored : {};
  for (const key of Object.keys(DEFAULT_SETTINGS)) {
    if (Object.hasOwn(saved, key)) {
      candidate[key] = saved[key];
    }
  }

  const result = settingsSchema.safeParse(candidate);
  if (result.success) {
    return result.data;
  }

  const invalid = Object.keys(fieldErrorsOf(result.error));
  log.warn('saved settings reset to defaults', { fields: invalid });
  return repairSettings(candidate, invalid);
}

function repairSettings(
  candidate: Record<string, unknown>,
  invalid: readonly string[],
): Settings {
  const defaults: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const key of invalid) {
    candidate[key] = defaults[key];
  }

  return settingsSchema.parse(candidate);
}

/** One message per field: the first problem zod found with it. */
function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    for (const [field, message] of issueMessages(issue)) {
      fieldErrors[field] ??= message;
    }
  }

  return fieldErrors;
}

function issueMessages(issue: z.core.$ZodIssue): Array<[string, string]> {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => [key, 'This is not a known setting.']);
  }

  return [[String(issue.path[0] ?? 'settings'), issue.message]];
}

function checkedAppSecret(secret: string): string {
  const trimmed = secret.trim();
  if (trimmed === '') {
    throw new SettingsValidationError({
      appSecret: "Enter the App Secret from Meta's dashboard.",
    });
  }
  if (trimmed.length > MAX_APP_SECRET_LENGTH) {
    throw new SettingsValidationError({
      appSecret: 'The App Secret is too long.',
    });
  }

  return trimmed;
}

function copySettings(settings: Settings): Settings {
  return { ...settings, scopes: [...settings.scopes] };
}

function withoutUndefined(patch: Partial<Settings>): Partial<Settings> {
  return Object.fromEntries(
    Object.entries(patch).filter(([, value]) => value !== undefined),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
