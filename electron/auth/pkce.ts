import { createHash, randomBytes } from 'node:crypto';

/**
 * The one-time values that bind a callback to the flow that asked for it.
 * `state` is the defence that must never fail (Instagram documents no
 * PKCE); the PKCE pair is sent anyway, since a server that ignores it loses
 * nothing and one that honours it gains code-injection protection.
 */
export interface FlowSecrets {
  state: string;
  codeVerifier: string;
  codeChallenge: string;
}

/** Base64url without padding (RFC 7636, Appendix A). */
function base64Url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/**
 * A random `state`: 32 bytes, well above the 128 bits RFC 6749 section
 * 10.10 asks of values an attacker must not guess.
 */
export function createState(): string {
  return base64Url(randomBytes(32));
}

/**
 * A PKCE code verifier: 32 random bytes give 43 characters, the minimum of
 * the 43 to 128 that RFC 7636 section 4.1 allows, with 256 bits of entropy.
 */
export function createCodeVerifier(): string {
  return base64Url(randomBytes(32));
}

/** The S256 challenge of a verifier (RFC 7636 section 4.2). */
export function codeChallengeS256(verifier: string): string {
  return base64Url(createHash('sha256').update(verifier, 'ascii').digest());
}

/** Fresh state and PKCE values for one flow. */
export function createFlowSecrets(): FlowSecrets {
  const codeVerifier = createCodeVerifier();

  return {
    state: createState(),
    codeVerifier,
    codeChallenge: codeChallengeS256(codeVerifier),
  };
}
