import { type Logger } from '../core/logger';
import {
  type AccountStore,
  type Clock,
  type SecretCipher,
  type SettingsStore,
  type StoreNotice,
} from '../core/types';
import { createAccountStore } from './account-store';
import { createSettingsStore } from './settings-store';
import { openStoreFile, type StoreFactory } from './store-file';

export {
  createAccountStore,
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
  notices: StoreNotice[];
  filePath: string;
}

/**
 * Opens the store file in `dataDir` (moving a bad file aside) and builds
 * the account and settings stores over it. Decrypts nothing.
 */
export function openInstalinkStorage(
  options: InstalinkStorageOptions,
): InstalinkStorage {
  const { store, filePath, notices } = openStoreFile(options);
  const settings = createSettingsStore({
    store,
    cipher: options.cipher,
    logger: options.logger,
  });
  const accounts = createAccountStore({
    store,
    cipher: options.cipher,
    clock: options.clock,
    logger: options.logger,
    settings: () => settings.get(),
  });

  return { accounts, settings, notices, filePath };
}
