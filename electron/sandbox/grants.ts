import { randomBytes } from 'node:crypto';

import { DAY_MS } from '../core/time';
import { type Clock } from '../core/types';

/**
 * Codes live ten minutes: RFC 6749 section 4.1.2 recommends that maximum.
 * (Instagram documents an hour; the shorter bound catches slow exchanges.)
 */
export const CODE_LIFETIME_MS = 10 * 60 * 1000;

/** Instagram's short-lived tokens last one hour. */
export const SHORT_LIVED_SECONDS = 60 * 60;

/**
 * What Instagram reports as `expires_in` for a long-lived token: 60 days
 * less a minute or so. The sandbox expires the token exactly then.
 */
export const LONG_LIVED_SECONDS = 5_183_944;

/** Instagram refreshes only tokens at least 24 hours old. */
export const REFRESH_MIN_AGE_MS = DAY_MS;

/** An authorization code, bound to its redirect URI and PKCE challenge. */
export interface AuthorizationCode {
  userId: string;
  /** The exact text sent at authorize; the exchange must repeat it. */
  redirectUri: string;
  scopes: string[];
  issuedAt: number;
  /** S256 challenge sent at authorize (RFC 7636 section 4.3), if any. */
  codeChallenge?: string;
  used: boolean;
}

/** Which of Instagram's two tokens this is. */
export type TokenKind = 'short-lived' | 'long-lived';

/** A token the sandbox issued. */
export interface IssuedToken {
  kind: TokenKind;
  userId: string;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

/** Whether a presented token may be used now. */
export type TokenCheck =
  | { status: 'valid'; token: IssuedToken }
  | { status: 'unknown' | 'expired' | 'revoked' };

/**
 * Every code and token the sandbox issued, judged against the injected
 * clock so that tests move time by hand.
 */
export class GrantRegistry {
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(private readonly clock: Clock) {}

  /** Issues a one-time code; `AQ` is how Instagram's codes begin. */
  issueCode(input: Omit<AuthorizationCode, 'issuedAt' | 'used'>): string {
    const code = randomSecret('AQ');

    this.codes.set(code, { ...input, issuedAt: this.clock.now(), used: false });
    return code;
  }

  /** The code as issued, used or not. */
  findCode(code: string): AuthorizationCode | undefined {
    return this.codes.get(code);
  }

  /** True when the code is at least ten minutes old. */
  isCodeExpired(code: AuthorizationCode): boolean {
    return this.clock.now() - code.issuedAt >= CODE_LIFETIME_MS;
  }

  /**
   * Issues a token. The prefixes mimic Instagram's (`IGAA` short-lived,
   * `IGQV` long-lived) so tests can search logs for leaks.
   */
  issueToken(kind: TokenKind, userId: string, scopes: string[]): string {
    const accessToken = randomSecret(kind === 'short-lived' ? 'IGAA' : 'IGQV');
    const issuedAt = this.clock.now();
    const seconds =
      kind === 'short-lived' ? SHORT_LIVED_SECONDS : LONG_LIVED_SECONDS;

    this.tokens.set(accessToken, {
      kind,
      userId,
      scopes,
      issuedAt,
      expiresAt: issuedAt + seconds * 1000,
      revoked: false,
    });
    return accessToken;
  }

  /** Judges a presented token: unknown, revoked, expired or valid. */
  checkToken(accessToken: string): TokenCheck {
    const token = this.tokens.get(accessToken);

    if (token === undefined) return { status: 'unknown' };
    if (token.revoked) return { status: 'revoked' };
    if (this.clock.now() >= token.expiresAt) return { status: 'expired' };
    return { status: 'valid', token };
  }

  /** True when the token is younger than the 24 hours a refresh needs. */
  isTooYoungToRefresh(token: IssuedToken): boolean {
    return this.clock.now() - token.issuedAt < REFRESH_MIN_AGE_MS;
  }

  /** Revokes a token; false when the sandbox never issued it. */
  revoke(accessToken: string): boolean {
    const token = this.tokens.get(accessToken);

    if (token === undefined) return false;
    token.revoked = true;
    return true;
  }
}

// Hex keeps tokens alphanumeric, like Instagram's, so a redaction pattern
// written for real tokens matches these whole.
function randomSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('hex');
}
