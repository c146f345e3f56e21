import { safeStorage } from 'electron';

import { type SecretCipher } from '../core/types';

/**
 * Electron's safeStorage as Instalink's cipher. On Linux without a keyring
 * Electron falls back to the `basic_text` backend, which only obfuscates:
 * it is reported as weak so nothing secret is stored without consent.
 * (https://www.electronjs.org/docs/latest/api/safe-storage)
 */
export function createSafeStorageCipher(): SecretCipher {
  const backend =
    process.platform === 'linux'
      ? safeStorage.getSelectedStorageBackend()
      : process.platform === 'darwin'
        ? 'keychain'
        : 'dpapi';

  return {
    backend,
    isStrong: () =>
      safeStorage.isEncryptionAvailable() && backend !== 'basic_text',
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (cipherText) =>
      safeStorage.decryptString(Buffer.from(cipherText, 'base64')),
  };
}
