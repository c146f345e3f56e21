import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
} from 'node:crypto';

import { type SecretCipher } from '../../electron/core/types';

/** A fixed key: test ciphertext only has to be unreadable as plain text. */
const TEST_KEY = createHash('sha256').update('instalink-test-cipher').digest();

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A test cipher that also counts decryptions (start-up must do none). */
export interface TestCipher extends SecretCipher {
  readonly decryptCalls: number;
}

/** Options of `createTestCipher`. */
export interface TestCipherOptions {
  /** False plays Linux without a keyring; defaults to true. */
  strong?: boolean;
  /** Defaults to `basic_text` when weak, `test_aes_gcm` when strong. */
  backend?: string;
}

/** Thrown by the test ciphers when ciphertext cannot be read back. */
export class TestDecryptError extends Error {
  override readonly name = 'TestDecryptError';
}

/**
 * Stands in for safeStorage: AES-256-GCM with a fixed key, base64 output
 * (IV, tag, ciphertext). GCM's tag makes `decrypt` throw on tampered input.
 */
export function createTestCipher(options: TestCipherOptions = {}): TestCipher {
  const strong = options.strong ?? true;
  let decryptCalls = 0;

  return {
    backend: options.backend ?? (strong ? 'test_aes_gcm' : 'basic_text'),
    isStrong: () => strong,
    encrypt: encryptForTest,
    decrypt: (cipherText) => {
      decryptCalls += 1;
      return decryptForTest(cipherText);
    },
    get decryptCalls() {
      return decryptCalls;
    },
  };
}

/**
 * A cipher that encrypts like the test cipher but can read nothing back,
 * as after the system keyring was replaced.
 */
export function createUnreadableCipher(): TestCipher {
  let decryptCalls = 0;

  return {
    backend: 'test_aes_gcm',
    isStrong: () => true,
    encrypt: encryptForTest,
    decrypt: () => {
      decryptCalls += 1;
      throw new TestDecryptError('the test key cannot read this secret');
    },
    get decryptCalls() {
      return decryptCalls;
    },
  };
}

function encryptForTest(plain: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', TEST_KEY, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);

  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function decryptForTest(cipherText: string): string {
  const bytes = Buffer.from(cipherText, 'base64');
  if (bytes.length < IV_BYTES + TAG_BYTES) {
    throw new TestDecryptError('ciphertext too short');
  }

  const decipher = createDecipheriv(
    'aes-256-gcm',
    TEST_KEY,
    bytes.subarray(0, IV_BYTES),
  );
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));

  try {
    const body = bytes.subarray(IV_BYTES + TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new TestDecryptError('ciphertext was tampered with');
  }
}
