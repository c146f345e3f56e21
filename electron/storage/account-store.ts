import { z } from 'zod';

import { type Logger } from '../core/logger';
import {
  type AccountStore,
  type AccountSummary,
  type Clock,
  type LinkedAccountInput,
  type LongLivedToken,
  type ProviderKind,
  type ReconnectReason,
  type SecretCipher,
  type Settings,
} from '../core/types';
import {
  AccountNotFoundError,
  InvalidAccountIdError,
  TokenUnreadableError,
} from './errors';
import { encryptSecret } from './secret-policy';
import { type ConfLike } from './store-file';

export {
  AccountNotFoundError,
  SecretStorageRefusedError,
  TokenUnreadableError,
} from './errors';

/** Options of `createAccountStore`. */
export interface AccountStoreOptions {
  store: ConfLike;
  cipher: SecretCipher;
  clock: Clock;
  logger: Logger;
  /** The current settings, read for the keyring consent at each write. */
  settings: () => Settings;
}

/**
 * Instagram user ids are decimal numbers above 2^53, kept as strings.
 * Requiring digits also keeps names like `__proto__` out of the object.
 */
const USER_ID = /^\d{1,32}$/;

const RECONNECT_REASONS = [
  'token-revoked',
  'token-expired',
  'token-unreadable',
  'scopes-missing',
] as const satisfies readonly ReconnectReason[];

const PROVIDER_KINDS = [
  'instagram',
  'sandbox',
] as const satisfies readonly ProviderKind[];

/**
 * The provider of a record saved before providers were kept. Instagram is
 * the safe reading: a real account read as a sandbox one would send its
 * refresh to the sandbox, get error 190 and be marked "reconnect needed",
 * while a sandbox account read as Instagram only gets that mark itself,
 * which it needs anyway: the sandbox forgets its tokens when the app quits.
 */
const PROVIDER_OF_OLD_RECORDS: ProviderKind = 'instagram';

/** Reasons a successful refresh proves wrong. */
const TOKEN_REASONS: ReadonlySet<ReconnectReason> = new Set([
  'token-revoked',
  'token-expired',
  'token-unreadable',
]);

/** One account as stored on disk: a summary plus its encrypted token. */
export const storedAccountSchema = z.object({
  userId: z.string().regex(USER_ID),
  username: z.string(),
  name: z.string().optional(),
  accountType: z.string().optional(),
  followersCount: z.number().optional(),
  mediaCount: z.number().optional(),
  avatarDataUrl: z.string().optional(),
  scopes: z.array(z.string()),
  linkedAt: z.number(),
  tokenIssuedAt: z.number(),
  tokenExpiresAt: z.number(),
  lastRefreshedAt: z.number().optional(),
  status: z.enum(['active', 'reconnect-needed']),
  reconnectReason: z.enum(RECONNECT_REASONS).optional(),
  /** Absent from records saved before it was kept: see toSummary. */
  provider: z.enum(PROVIDER_KINDS).optional(),
  tokenType: z.string(),
  /** `cipher.encrypt(accessToken)`; the token is never stored plain. */
  encryptedToken: z.string().min(1),
});

/** One account record of the store file. */
export type StoredAccount = z.infer<typeof storedAccountSchema>;

/** The account store, and what the storage layer reports about it. */
export interface FileAccountStore extends AccountStore {
  /**
   * Ids of the records on disk that cannot be read (a hand edit, damage).
   * They are left out of `list` but stay in the file, unchanged, until the
   * account is linked again or removed.
   */
  unreadableIds(): string[];
}

/**
 * The linked accounts over the store file's `accounts` section. The file
 * is read once; after that every change is written through (one atomic
 * write each) and mirrored in memory. Tokens are decrypted only by
 * `readToken`, so opening a store of any size decrypts nothing.
 */
export function createAccountStore(
  options: AccountStoreOptions,
): FileAccountStore {
  const state = openAccountState(options);

  return {
    unreadableIds: () => unreadableIds(state),
    list: () => listAccounts(state),
    get: (userId) => summaries(state).get(userId),
    link: (input) => linkAccount(state, input),
    readToken: (userId) => readToken(state, userId),
    saveRefreshedToken: (userId, token, issuedAt) =>
      saveRefreshedToken(state, userId, token, issuedAt),
    markReconnectNeeded: (userId, reason) =>
      markReconnectNeeded(state, userId, reason),
    remove: (userId) => removeAccount(state, userId),
    onChange: (listener) => subscribe(state, listener),
  };
}

/**
 * One account store's parts and memory: the section as read (`raw`) and
 * the views derived from it, each built on first use and reset by
 * `commit`.
 */
interface AccountState {
  store: ConfLike;
  cipher: SecretCipher;
  clock: Clock;
  log: Logger;
  settings: () => Settings;
  listeners: Set<() => void>;
  reportedMalformed: Set<string>;
  raw?: Record<string, unknown>;
  byId?: Map<string, AccountSummary>;
  sorted?: AccountSummary[];
}

function openAccountState(options: AccountStoreOptions): AccountState {
  return {
    store: options.store,
    cipher: options.cipher,
    clock: options.clock,
    log: options.logger.child('accounts'),
    settings: options.settings,
    listeners: new Set(),
    reportedMalformed: new Set(),
  };
}

function records(state: AccountState): Record<string, unknown> {
  if (state.raw === undefined) {
    const section = state.store.get('accounts');
    state.raw = isPlainObject(section) ? section : {};
  }

  return state.raw;
}

/** Parses one record; a malformed one is logged once and skipped. */
function parseRecord(
  state: AccountState,
  userId: string,
): StoredAccount | undefined {
  const all = records(state);
  if (!Object.hasOwn(all, userId)) {
    return undefined;
  }

  const result = storedAccountSchema.safeParse(all[userId]);
  if (result.success && result.data.userId === userId) {
    return result.data;
  }

  reportMalformed(state, userId);
  return undefined;
}

function reportMalformed(state: AccountState, userId: string): void {
  if (!state.reportedMalformed.has(userId)) {
    state.reportedMalformed.add(userId);
    state.log.warn('skipped a malformed account record', { userId });
  }
}

function summaries(state: AccountState): Map<string, AccountSummary> {
  if (state.byId === undefined) {
    const byId = new Map<string, AccountSummary>();
    state.byId = byId;
    for (const userId of Object.keys(records(state))) {
      cacheSummary(state, byId, userId);
    }
  }

  return state.byId;
}

function cacheSummary(
  state: AccountState,
  cache: Map<string, AccountSummary>,
  userId: string,
): void {
  const record = parseRecord(state, userId);
  if (record === undefined) {
    cache.delete(userId);
  } else {
    cache.set(userId, toSummary(record));
  }
}

/** One atomic write of the whole section, then memory, then listeners. */
function commit(
  state: AccountState,
  next: Record<string, unknown>,
  userId: string,
): void {
  state.store.set('accounts', next);
  state.raw = next;
  state.reportedMalformed.delete(userId);
  if (state.byId !== undefined) {
    cacheSummary(state, state.byId, userId);
  }
  state.sorted = undefined;
  notify(state);
}

function write(state: AccountState, record: StoredAccount): AccountSummary {
  commit(state, { ...records(state), [record.userId]: record }, record.userId);
  return toSummary(record);
}

function notify(state: AccountState): void {
  for (const listener of [...state.listeners]) {
    try {
      listener();
    } catch (error) {
      state.log.error('an account change listener failed', { error });
    }
  }
}

/** Encrypts a token under the keyring consent of the current settings. */
function encryptToken(state: AccountState, accessToken: string): string {
  return encryptSecret(
    state.cipher,
    state.settings().allowWeakSecretStorage,
    accessToken,
    'access token',
  );
}

function unreadableIds(state: AccountState): string[] {
  const readable = summaries(state);
  return Object.keys(records(state)).filter((userId) => !readable.has(userId));
}

function listAccounts(state: AccountState): AccountSummary[] {
  state.sorted ??= [...summaries(state).values()].sort(byLinkedAt);
  return [...state.sorted];
}

function linkAccount(
  state: AccountState,
  input: LinkedAccountInput,
): AccountSummary {
  const userId = input.profile.userId;
  if (!USER_ID.test(userId)) {
    throw new InvalidAccountIdError();
  }

  const encryptedToken = encryptToken(state, input.longLived.accessToken);
  const existing = parseRecord(state, userId);
  const record = linkedRecord(input, encryptedToken, existing, state.clock);
  state.log.info(existing ? 'account re-linked' : 'account linked', {
    userId,
  });

  return write(state, record);
}

function readToken(state: AccountState, userId: string): string {
  const record = parseRecord(state, userId);
  if (record === undefined) {
    throw new AccountNotFoundError(userId);
  }

  try {
    return state.cipher.decrypt(record.encryptedToken);
  } catch {
    state.log.warn('an account token cannot be decrypted', { userId });
    markReconnectNeeded(state, userId, 'token-unreadable');
    throw new TokenUnreadableError(userId);
  }
}

function saveRefreshedToken(
  state: AccountState,
  userId: string,
  token: LongLivedToken,
  issuedAt: number,
): boolean {
  const record = parseRecord(state, userId);
  if (record === undefined) {
    state.log.info('refreshed token dropped: account removed', { userId });
    return false;
  }

  const encryptedToken = encryptToken(state, token.accessToken);
  write(
    state,
    refreshedRecord(record, token, encryptedToken, issuedAt, state.clock),
  );
  state.log.info('refreshed token saved', { userId });

  return true;
}

function markReconnectNeeded(
  state: AccountState,
  userId: string,
  reason: ReconnectReason,
): void {
  const record = parseRecord(state, userId);
  if (record === undefined) {
    return;
  }
  if (
    record.status === 'reconnect-needed' &&
    record.reconnectReason === reason
  ) {
    return;
  }

  write(state, {
    ...record,
    status: 'reconnect-needed',
    reconnectReason: reason,
  });
  state.log.info('account needs reconnecting', { userId, reason });
}

function removeAccount(state: AccountState, userId: string): boolean {
  const all = records(state);
  if (!Object.hasOwn(all, userId)) {
    return false;
  }

  const next = { ...all };
  delete next[userId];
  commit(state, next, userId);
  state.log.info('account removed', { userId });

  return true;
}

/** Adds a listener; the returned function removes this subscription. */
function subscribe(state: AccountState, listener: () => void): () => void {
  const subscription = (): void => listener();
  state.listeners.add(subscription);

  return () => {
    state.listeners.delete(subscription);
  };
}

/** A new or re-linked record: keeps `linkedAt`, resets status to active. */
function linkedRecord(
  input: LinkedAccountInput,
  encryptedToken: string,
  existing: StoredAccount | undefined,
  clock: Clock,
): StoredAccount {
  const { profile } = input;

  return dropUndefined({
    userId: profile.userId,
    username: profile.username,
    name: profile.name,
    accountType: profile.accountType,
    followersCount: profile.followersCount,
    mediaCount: profile.mediaCount,
    avatarDataUrl: input.avatarDataUrl ?? existing?.avatarDataUrl,
    scopes: [...input.scopes],
    linkedAt: existing?.linkedAt ?? clock.now(),
    tokenIssuedAt: input.issuedAt,
    tokenExpiresAt: expiresAt(input.longLived, input.issuedAt),
    status: 'active',
    // The provider that issued this token is the one that can refresh it.
    provider: input.provider ?? PROVIDER_OF_OLD_RECORDS,
    tokenType: input.longLived.tokenType,
    encryptedToken,
  });
}

/**
 * The record after a refresh. The token reasons for reconnecting no longer
 * hold once Instagram issued a new token; missing scopes still do.
 */
function refreshedRecord(
  record: StoredAccount,
  token: LongLivedToken,
  encryptedToken: string,
  issuedAt: number,
  clock: Clock,
): StoredAccount {
  const stillNeeded =
    record.reconnectReason !== undefined &&
    !TOKEN_REASONS.has(record.reconnectReason);

  return dropUndefined({
    ...record,
    encryptedToken,
    tokenType: token.tokenType,
    tokenIssuedAt: issuedAt,
    tokenExpiresAt: expiresAt(token, issuedAt),
    lastRefreshedAt: clock.now(),
    status: stillNeeded ? 'reconnect-needed' : 'active',
    reconnectReason: stillNeeded ? record.reconnectReason : undefined,
  });
}

function expiresAt(token: LongLivedToken, issuedAt: number): number {
  return issuedAt + token.expiresInSeconds * 1000;
}

/** The renderer's view of a record: every field but the token. */
function toSummary(record: StoredAccount): AccountSummary {
  const summary: AccountSummary = {
    ...record,
    scopes: [...record.scopes],
    provider: record.provider ?? PROVIDER_OF_OLD_RECORDS,
  };
  delete (summary as Partial<StoredAccount>).encryptedToken;
  delete (summary as Partial<StoredAccount>).tokenType;
  Object.freeze(summary.scopes);

  return Object.freeze(summary);
}

function byLinkedAt(a: AccountSummary, b: AccountSummary): number {
  return a.linkedAt - b.linkedAt || a.userId.localeCompare(b.userId);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined),
  ) as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
