import { type Logger } from '../core/logger';
import {
  type AccountStore,
  type Clock,
  type SecretCipher,
  type SettingsStore,
  type StoreNotice,
} from '../core/types';
import { createAccountStore, type FileAccountStore } from './account-store';
import { createSettingsStore } from './settings-store';
import { openStoreFile, type StoreFactory } from './store-file';

export {
  createAccountStore,
  type FileAccountStore,
  type StoredAccount,
  storedAccountSchema,
} from './account-store';
export {
  AccountNotFoundError,
  AppSecretMissingError,
  AppSecretUnreadableError,
  InvalidAccountIdError,
  SecretEncryptionError,
  SecretStorageRefusedError,
  StoreUnavailableError,
  TokenUnreadableError,
} from './errors';
export {
  createSettingsStore,
  DEFAULT_SETTINGS,
  repairSavedSettings,
  SETTING_LABELS,
  type SettingsRepair,
  settingsSchema,
  SettingsValidationError,
} from './settings-store';
export {
  type ConfLike,
  type ConfOptions,
  createConfStore,
  openStoreFile,
  type StoreFactory,
} from './store-file';

/** Instagram user ids: decimal digits (see account-store.ts). */
const USER_ID = /^\d{1,32}$/;

/** Options of `openInstalinkStorage`. */
export interface InstalinkStorageOptions {
  dataDir: string;
  cipher: SecretCipher;
  clock: Clock;
  logger: Logger;
  /** electron-store in the app; Conf when omitted. */
  createStore?: StoreFactory;
}

/** Accounts and settings over one store file, plus what opening found. */
export interface InstalinkStorage {
  accounts: AccountStore;
  settings: SettingsStore;
  /**
   * What the user must be told: what opening the file had to do, then
   * one notice per account record that cannot be read. Read anew each
   * time, so a notice goes once its account is linked again or removed.
   */
  readonly notices: StoreNotice[];
  filePath: string;
}

/**
 * Opens the store file in `dataDir` (moving a bad file aside) and builds
 * the account and settings stores over it. Decrypts nothing.
 */
export function openInstalinkStorage(
  options: InstalinkStorageOptions,
): InstalinkStorage {
  const opened = openStoreFile(options);
  const settings = createSettingsStore({
    store: opened.store,
    cipher: options.cipher,
    logger: options.logger,
  });
  const accounts = createAccountStore({
    store: opened.store,
    cipher: options.cipher,
    clock: options.clock,
    logger: options.logger,
    settings: () => settings.get(),
  });

  return {
    accounts,
    settings,
    get notices() {
      return [...opened.notices, ...accountNotices(accounts, opened.filePath)];
    },
    filePath: opened.filePath,
  };
}

/**
 * DESIGN.md: an account is "never silently dropped". A record that cannot
 * be read stays in the file, and the user hears how to get it back.
 */
function accountNotices(
  accounts: FileAccountStore,
  filePath: string,
): StoreNotice[] {
  return accounts.unreadableIds().map((userId) => ({
    kind: 'account-unreadable',
    movedTo: filePath,
    userId,
    message: unreadableAccountMessage(userId, filePath),
  }));
}

function unreadableAccountMessage(userId: string, filePath: string): string {
  // Only an id of digits is quoted: a hand-edited key could hold anything.
  const which = USER_ID.test(userId) ? `account ${userId}` : 'an account';

  return (
    `The saved details of ${which} cannot be read, so it is not listed. ` +
    'Connect it again to restore it; until then its record is kept ' +
    `unchanged in ${filePath}.`
  );
}
