/**
 * Typed errors of the storage module. Messages say what happened and what
 * to do; none ever carries a token, a secret or ciphertext.
 */

/**
 * Refused to store a secret: the cipher only obfuscates (Electron reports
 * `basic_text` on Linux without a keyring) and the user has not accepted
 * that in Settings. Nothing was written.
 */
export class SecretStorageRefusedError extends Error {
  override readonly name = 'SecretStorageRefusedError';

  constructor(readonly backend: string) {
    super(
      `This computer has no system keyring (secret storage "${backend}"), ` +
        'so tokens and the App Secret could not be encrypted. Install or ' +
        'unlock a keyring, or allow storing secrets without one in ' +
        'Settings. Nothing was saved.',
    );
  }
}

/** An account's token is on disk but cannot be decrypted. */
export class TokenUnreadableError extends Error {
  override readonly name = 'TokenUnreadableError';

  constructor(readonly userId: string) {
    super(
      `The saved token of account ${userId} cannot be decrypted (the ` +
        'system keyring may have changed). Connect the account again.',
    );
  }
}

/** No linked account has this id (never linked, or removed). */
export class AccountNotFoundError extends Error {
  override readonly name = 'AccountNotFoundError';

  constructor(readonly userId: string) {
    super(`No linked account has the id ${userId}.`);
  }
}

/** The cipher failed to encrypt a secret; nothing was written. */
export class SecretEncryptionError extends Error {
  override readonly name = 'SecretEncryptionError';

  constructor(what: string, options?: { cause?: unknown }) {
    super(
      `The ${what} could not be encrypted by the system's secret storage. ` +
        'Nothing was saved.',
      options,
    );
  }
}

/** No App Secret is saved. */
export class AppSecretMissingError extends Error {
  override readonly name = 'AppSecretMissingError';

  constructor() {
    super('No App Secret is set. Enter it in Settings.');
  }
}

/** The App Secret is saved but cannot be decrypted. */
export class AppSecretUnreadableError extends Error {
  override readonly name = 'AppSecretUnreadableError';

  constructor() {
    super(
      'The saved App Secret cannot be decrypted (the system keyring may ' +
        'have changed). Enter it again in Settings.',
    );
  }
}

/** The store file can neither be read nor moved aside. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';

  constructor(filePath: string, options?: { cause?: unknown }) {
    super(
      `Instalink cannot read or move its data file ${filePath}. Check ` +
        'the permissions of that file and its folder.',
      options,
    );
  }
}

/** The profile's user id is not an Instagram id (decimal digits). */
export class InvalidAccountIdError extends Error {
  override readonly name = 'InvalidAccountIdError';

  constructor() {
    super(
      'Instagram returned an account id that is not a number, so the ' +
        'account was not saved.',
    );
  }
}
