import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented secret with the expected one in constant time.
 * Hashing first gives both sides the same length, which timingSafeEqual
 * needs, without revealing the real length.
 */
export function secretsMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(expected));
}

/**
 * RFC 7636 section 4.6: the S256 challenge is
 * BASE64URL(SHA256(ASCII(code_verifier))), and a verifier is 43 to 128
 * unreserved characters (section 4.1).
 */
export function verifierMatchesChallenge(
  verifier: string,
  challenge: string,
): boolean {
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;

  const computed = sha256(verifier).toString('base64url');

  return secretsMatch(computed, challenge);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
