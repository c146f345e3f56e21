import { z } from 'zod';

import { type Logger } from '../core/logger';
import {
  type AccountStore,
  type AccountSummary,
  type Clock,
  type LinkedAccountInput,
  type LongLivedToken,
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
  tokenType: z.string(),
  /** `cipher.encrypt(accessToken)`; the token is never stored plain. */
  encryptedToken: z.string().min(1),
});

/** One account record of the store file. */
export type StoredAccount = z.infer<typeof storedAccountSchema>;

/**
 * The linked accounts over the store file's `accounts` section. The file
 * is read once; after that every change is written through (one atomic
 * write each) and mirrored in memory. Tokens are decrypted only by
 * `readToken`, so opening a store of any size decrypts nothing.
 */
export function createAccountStore(options: AccountStoreOptions): AccountStore {
  const { store, cipher, clock } = options;
  const log = options.logger.child('accounts');
  const listeners = new Set<() => void>();
  const reportedMalformed = new Set<string>();
  let raw: Record<string, unknown> | undefined;
  let byId: Map<string, AccountSummary> | undefined;
  let sorted: AccountSummary[] | undefined;

  function records(): Record<string, unknown> {
    if (raw === undefined) {
      const section = store.get('accounts');
      raw = isPlainObject(section) ? section : {};
    }

    return raw;
  }

  /** Parses one record; a malformed one is logged once and skipped. */
  function parseRecord(userId: string): StoredAccount | undefined {
    const all = records();
    if (!Object.hasOwn(all, userId)) {
      return undefined;
    }

    const result = storedAccountSchema.safeParse(all[userId]);
    if (result.success && result.data.userId === userId) {
      return result.data;
    }

    reportMalformed(userId);
    return undefined;
  }

  function reportMalformed(userId: string): void {
    if (!reportedMalformed.has(userId)) {
      reportedMalformed.add(userId);
      log.warn('skipped a malformed account record', { userId });
    }
  }

  function summaries(): Map<string, AccountSummary> {
    if (byId === undefined) {
      byId = new Map();
      for (const userId of Object.keys(records())) {
        cacheSummary(byId, userId);
      }
    }

    return byId;
  }

  function cacheSummary(
    cache: Map<string, AccountSummary>,
    userId: string,
  ): void {
    const record = parseRecord(userId);
    if (record === undefined) {
      cache.delete(userId);
    } else {
      cache.set(userId, toSummary(record));
    }
  }

  /** One atomic write of the whole section, then memory, then listeners. */
  function commit(next: Record<string, unknown>, userId: string): void {
    store.set('accounts', next);
    raw = next;
    reportedMalformed.delete(userId);
    if (byId !== undefined) {
      cacheSummary(byId, userId);
    }
    sorted = undefined;
    notify();
  }

  function write(record: StoredAccount): AccountSummary {
    commit({ ...records(), [record.userId]: record }, record.userId);
    return toSummary(record);
  }

  function notify(): void {
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch (error) {
        log.error('an account change listener failed', { error });
      }
    }
  }

  function allowWeak(): boolean {
    return options.settings().allowWeakSecretStorage;
  }

  function list(): AccountSummary[] {
    sorted ??= [...summaries().values()].sort(byLinkedAt);
    return [...sorted];
  }

  function get(userId: string): AccountSummary | undefined {
    return summaries().get(userId);
  }

  function link(input: LinkedAccountInput): AccountSummary {
    const userId = input.profile.userId;
    if (!USER_ID.test(userId)) {
      throw new InvalidAccountIdError();
    }

    const encryptedToken = encryptSecret(
      cipher,
      allowWeak(),
      input.longLived.accessToken,
      'access token',
    );
    const existing = parseRecord(userId);
    const record = linkedRecord(input, encryptedToken, existing, clock);
    log.info(existing ? 'account re-linked' : 'account linked', { userId });

    return write(record);
  }

  function readToken(userId: string): string {
    const record = parseRecord(userId);
    if (record === undefined) {
      throw new AccountNotFoundError(userId);
    }

    try {
      return cipher.decrypt(record.encryptedToken);
    } catch {
      log.warn('an account token cannot be decrypted', { userId });
      markReconnectNeeded(userId, 'token-unreadable');
      throw new TokenUnreadableError(userId);
    }
  }

  function saveRefreshedToken(
    userId: string,
    token: LongLivedToken,
    issuedAt: number,
  ): boolean {
    const record = parseRecord(userId);
    if (record === undefined) {
      log.info('refreshed token dropped: account removed', { userId });
      return false;
    }

    const encryptedToken = encryptSecret(
      cipher,
      allowWeak(),
      token.accessToken,
      'access token',
    );
    write(refreshedRecord(record, token, encryptedToken, issuedAt, clock));
    log.info('refreshed token saved', { userId });

    return true;
  }

  function markReconnectNeeded(userId: string, reason: ReconnectReason): void {
    const record = parseRecord(userId);
    if (record === undefined) {
      return;
    }
    if (
      record.status === 'reconnect-needed' &&
      record.reconnectReason === reason
    ) {
      return;
    }

    write({ ...record, status: 'reconnect-needed', reconnectReason: reason });
    log.info('account needs reconnecting', { userId, reason });
  }

  function remove(userId: string): boolean {
    const all = records();
    if (!Object.hasOwn(all, userId)) {
      return false;
    }

    const next = { ...all };
    delete next[userId];
    commit(next, userId);
    log.info('account removed', { userId });

    return true;
  }

  function onChange(listener: () => void): () => void {
    const subscription = (): void => listener();
    listeners.add(subscription);

    return () => {
      listeners.delete(subscription);
    };
  }

  return {
    list,
    get,
    link,
    readToken,
    saveRefreshedToken,
    markReconnectNeeded,
    remove,
    onChange,
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
  const summary: AccountSummary = { ...record, scopes: [...record.scopes] };
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
