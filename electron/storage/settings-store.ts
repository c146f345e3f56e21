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

/** `URL` drops an empty `#`, so the text itself is searched. */
function hasNoFragment(value: string): boolean {
  return !value.includes('#');
}

/** Only the authority is searched: `@` may appear in a path. */
function hasNoCredentials(value: string): boolean {
  const afterScheme = value.slice(value.indexOf('//') + 2);
  const authority = afterScheme.split(/[/?#\\]/)[0] ?? '';

  return !authority.includes('@');
}

function hasNoDuplicates(values: readonly string[]): boolean {
  return new Set(values).size === values.length;
}

/** The one message for any port Instalink cannot listen on. */
const PORT_RANGE = 'Choose a port from 1024 to 65535.';

/** Relay mode sends Instagram's redirect to the relay page: it needs one. */
const RELAY_URL_NEEDED =
  'Enter the HTTPS address of your relay page, or choose loopback.';

const redirectModeSchema = z.enum(['loopback', 'relay'], {
  error: 'Choose loopback or relay.',
});

/**
 * RFC 6749 section 3.1.2: a redirect URI is absolute and has no fragment.
 * Credentials in it would be sent to Meta and shown in the dashboard.
 */
const relayUrlSchema = z
  .string({ error: 'The relay URL must be text.' })
  .max(2048, { error: 'The relay URL is too long.' })
  .refine(isEmptyOrHttpsUrl, {
    error: 'The relay page needs a full https:// address.',
  })
  .refine(hasNoFragment, {
    error:
      'Remove the # part of the relay address: a redirect address ' +
      'cannot have one.',
  })
  .refine(hasNoCredentials, {
    error: 'The relay address cannot contain a user name or password.',
  })
  // Instagram compares the redirect URI byte for byte; a stray space
  // would be sent but not seen on screen nor registered in the dashboard.
  .refine((url) => !/\s/.test(url), {
    error: 'Remove the spaces from the relay address.',
  });

/** The two fields the relay rule reads, to run it only when both parse. */
const redirectSetupSchema = z.object({
  redirectMode: redirectModeSchema,
  relayUrl: relayUrlSchema,
});

/**
 * The settings as saved. Ports below 1024 need privileges on Unix; an App
 * ID is the number Meta's dashboard shows; Instagram requires an HTTPS
 * redirect URI, so the relay page must be served over HTTPS.
 */
export const settingsSchema = z
  .strictObject({
    provider: z.enum(['instagram', 'sandbox'], {
      error: 'Choose Instagram or the sandbox.',
    }),
    appId: z
      .string({ error: 'The App ID must be text.' })
      .max(32, { error: 'The App ID is at most 32 digits.' })
      .regex(/^\d*$/, {
        error: "The App ID is the number in Meta's dashboard: digits only.",
      }),
    redirectMode: redirectModeSchema,
    relayUrl: relayUrlSchema,
    port: z
      .number({ error: PORT_RANGE })
      .int({ error: PORT_RANGE })
      .min(1024, { error: PORT_RANGE })
      .max(65535, { error: PORT_RANGE }),
    scopes: z
      .array(
        z.enum(INSTAGRAM_SCOPES, { error: 'Unknown Instagram permission.' }),
        { error: 'Permissions must be a list.' },
      )
      .min(1, { error: 'Choose at least one permission.' })
      .refine(hasNoDuplicates, { error: 'A permission is listed twice.' }),
    allowWeakSecretStorage: z.boolean({ error: 'Must be on or off.' }),
  })
  .refine(
    (settings) => settings.redirectMode !== 'relay' || settings.relayUrl !== '',
    {
      path: ['relayUrl'],
      error: RELAY_URL_NEEDED,
      // Runs beside other fields' errors, so one save shows them all.
      when: (payload) => redirectSetupSchema.safeParse(payload.value).success,
    },
  ) satisfies z.ZodType<Settings>;

/** The names the user knows the settings by, for notices. */
export const SETTING_LABELS: Readonly<Record<keyof Settings, string>> = {
  provider: 'provider',
  appId: 'App ID',
  redirectMode: 'redirect mode',
  relayUrl: 'relay URL',
  port: 'port',
  scopes: 'permissions',
  allowWeakSecretStorage: 'storing secrets without a keyring',
};

/** Saved settings made usable, and the fields that fell back to defaults. */
export interface SettingsRepair {
  settings: Settings;
  /** Fields whose saved value could not be used, in schema order. */
  reset: Array<keyof Settings>;
}

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

function readStoredSettings(stored: unknown, log: Logger): Settings {
  const { settings, reset } = repairSavedSettings(stored);
  if (reset.length > 0) {
    log.warn('saved settings reset to defaults', { fields: reset });
  }

  return settings;
}

/**
 * The saved settings over the defaults. A value that fails the schema (a
 * hand edit, an older build) falls back to its default alone, so one bad
 * field never costs the others. Relay mode without a usable relay URL
 * falls back to loopback. Anything but an object counts as all defaults.
 */
export function repairSavedSettings(saved: unknown): SettingsRepair {
  const candidate: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const fields = isPlainObject(saved) ? saved : {};
  for (const key of Object.keys(DEFAULT_SETTINGS)) {
    if (Object.hasOwn(fields, key)) {
      candidate[key] = fields[key];
    }
  }

  const reset = resetInvalidFields(candidate);
  const settings = settingsSchema.safeParse(candidate);

  return settings.success
    ? { settings: settings.data, reset }
    : { settings: copySettings(DEFAULT_SETTINGS), reset: settingKeys() };
}

/**
 * Puts defaults in place of invalid fields until the whole passes. A
 * second round catches the relay rule, whose error names `relayUrl` but
 * is cured by the redirect mode's default.
 */
function resetInvalidFields(
  candidate: Record<string, unknown>,
): Array<keyof Settings> {
  const reset = new Set<keyof Settings>();
  const defaults: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (let round = 0; round < 2; round += 1) {
    const result = settingsSchema.safeParse(candidate);
    if (result.success) {
      break;
    }

    for (const key of invalidKeys(result.error, candidate, defaults)) {
      if (candidate[key] !== defaults[key]) {
        reset.add(key);
      }
      candidate[key] = defaults[key];
    }
  }

  return settingKeys().filter((key) => reset.has(key));
}

/** The fields to reset: those in error, or the mode if those are default. */
function invalidKeys(
  error: z.ZodError,
  candidate: Record<string, unknown>,
  defaults: Record<string, unknown>,
): Array<keyof Settings> {
  const named = Object.keys(fieldErrorsOf(error)) as Array<keyof Settings>;
  const stillDefault = named.every((key) => candidate[key] === defaults[key]);

  return stillDefault ? ['redirectMode'] : named;
}

function settingKeys(): Array<keyof Settings> {
  return Object.keys(DEFAULT_SETTINGS) as Array<keyof Settings>;
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

/** The App Secret as it will be saved (trimmed), or a field error. */
export function checkedAppSecret(secret: string): string {
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
