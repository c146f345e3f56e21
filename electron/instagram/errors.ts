/**
 * The one error type of the Instagram client, and the one place its
 * failures are worded for a person (STYLE.md, point 11).
 *
 * Messages never carry a token, code, App Secret or PKCE verifier: they are
 * built from Instagram's own error text, the HTTP status and the host name,
 * never from a request URL or body, and every server-supplied text passes
 * through `scrubSecrets` first.
 */

/** What went wrong, from "Instagram said no" to "nothing came back". */
export type InstagramErrorKind =
  /** The OAuth endpoint's `{error_type, code, error_message}` shape. */
  | 'oauth'
  /** The Graph API's `{error: {message, type, code, ...}}` shape. */
  | 'graph'
  /** Any other failed HTTP answer, HTML pages included. */
  | 'http'
  /** The connection could not be made or broke (DNS, refused, TLS). */
  | 'network'
  /** A connect, headers, body or overall deadline ran out. */
  | 'timeout'
  /** A successful answer Instalink cannot read or use. */
  | 'invalid-response';

/** Which call failed; kept for logs and for callers that branch on it. */
export type InstagramOperation =
  'code-exchange' | 'long-lived-exchange' | 'refresh' | 'profile' | 'avatar';

/** The details an `InstagramError` can carry besides its message. */
export interface InstagramErrorDetails {
  operation?: InstagramOperation;
  /** The HTTP status, when an answer came back. */
  status?: number;
  /** Instagram's error `code` (190: token expired or revoked). */
  code?: number;
  /** Instagram's `error_subcode` (e.g. 463: expired, 460: password). */
  subcode?: number;
  /** Instagram's `fbtrace_id`, for a bug report to Meta. */
  fbtraceId?: string;
}

/**
 * Graph API code for an access token Instagram no longer accepts: expired,
 * revoked, or invalidated by a password change ("Handle errors", Graph API
 * documentation, code 190 OAuthException).
 */
export const TOKEN_INVALID_CODE = 190;

/** Any failure of an Instagram call. Its message is meant for the user. */
export class InstagramError extends Error {
  override readonly name = 'InstagramError';
  readonly kind: InstagramErrorKind;
  readonly operation?: InstagramOperation;
  readonly status?: number;
  readonly code?: number;
  readonly subcode?: number;
  readonly fbtraceId?: string;

  constructor(
    kind: InstagramErrorKind,
    message: string,
    details: InstagramErrorDetails = {},
  ) {
    super(message);
    this.kind = kind;
    this.operation = details.operation;
    this.status = details.status;
    this.code = details.code;
    this.subcode = details.subcode;
    this.fbtraceId = details.fbtraceId;
  }

  /** True when the token is dead and the account must be connected again. */
  get tokenInvalid(): boolean {
    return this.code === TOKEN_INVALID_CODE;
  }
}

/** Wording for failures that are not an `InstagramError`. */
const UNEXPECTED_MESSAGE =
  'Something unexpected went wrong while talking to Instagram. ' +
  'The log file in the data folder has the details.';

/**
 * The sentence to show a person for any failure of an Instagram call. An
 * `InstagramError` already carries it; anything else gets a fixed wording,
 * since its message may hold text Instalink did not write.
 */
export function describeInstagramError(err: unknown): string {
  if (err instanceof InstagramError) {
    return err.message;
  }

  return UNEXPECTED_MESSAGE;
}

/** Query and form fields whose values are secrets. */
const SECRET_FIELD =
  /\b(access_token|client_secret|code|code_verifier)=[^&\s"'<>]+/gi;

/**
 * Removes the given secret values, and any `access_token=`-style field, from
 * a text a server or a library produced before it reaches a message.
 */
export function scrubSecrets(
  text: string,
  secrets: readonly string[] = [],
): string {
  let scrubbed = text.replace(SECRET_FIELD, '$1=[redacted]');

  for (const secret of secrets) {
    if (secret.length >= 4) {
      scrubbed = scrubbed.split(secret).join('[redacted]');
    }
  }

  return scrubbed;
}

/** Formats milliseconds as seconds for a message: 300 → "0.3", 15000 → "15". */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;

  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(1);
}

/** Which deadline ran out. */
export type TimeoutPhase = 'connect' | 'headers' | 'body' | 'overall';

const PHASE_WORDING: Record<TimeoutPhase, string> = {
  connect: 'to a connection attempt',
  headers: 'after the request was sent',
  body: 'while sending its answer',
  overall: 'in total',
};

/** The error for a deadline that ran out. */
export function timeoutError(
  phase: TimeoutPhase,
  ms: number,
  operation?: InstagramOperation,
): InstagramError {
  const message =
    `Instagram did not answer within ${formatSeconds(ms)} seconds ` +
    `(${PHASE_WORDING[phase]}). Check your internet connection or proxy ` +
    'and try again.';

  return new InstagramError('timeout', message, { operation });
}

/** OS and undici codes that mean a certificate check failed. */
const TLS_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'UND_ERR_PRX_TLS',
]);

/** A hint for each common network failure code. */
function networkHint(code: string): string {
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return 'The name could not be looked up: check your internet connection.';
  }
  if (TLS_CODES.has(code)) {
    return (
      'The secure connection could not be verified: a proxy or antivirus ' +
      'that inspects HTTPS may be in the way.'
    );
  }
  if (code === 'PROXY') {
    return 'The proxy refused the connection: check HTTPS_PROXY and NO_PROXY.';
  }

  return (
    'Check your internet connection, firewall and proxy settings ' +
    '(HTTPS_PROXY, NO_PROXY) and try again.'
  );
}

/** The error for a connection that could not be made or broke. */
export function networkError(
  host: string,
  code: string,
  operation?: InstagramOperation,
): InstagramError {
  const message =
    `Could not reach Instagram at ${host} (${code}). ` + networkHint(code);

  return new InstagramError('network', message, { operation });
}
