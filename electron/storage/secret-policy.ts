import { type SecretCipher } from '../core/types';
import { SecretEncryptionError, SecretStorageRefusedError } from './errors';

/**
 * The keyring policy (DESIGN.md, "Storage"): on a backend that only
 * obfuscates, such as Electron's `basic_text` on Linux without a keyring,
 * no secret is stored until the user has accepted it in Settings.
 */
export function assertSecretStorageAllowed(
  cipher: SecretCipher,
  allowWeakSecretStorage: boolean,
): void {
  if (!cipher.isStrong() && !allowWeakSecretStorage) {
    throw new SecretStorageRefusedError(cipher.backend);
  }
}

/**
 * Encrypts a secret under the keyring policy. Throws typed errors only,
 * never the cipher's own, whose text is not ours to vouch for.
 */
export function encryptSecret(
  cipher: SecretCipher,
  allowWeakSecretStorage: boolean,
  plain: string,
  what: string,
): string {
  assertSecretStorageAllowed(cipher, allowWeakSecretStorage);

  try {
    return cipher.encrypt(plain);
  } catch (error) {
    throw new SecretEncryptionError(what, { cause: error });
  }
}
