/** What a redirect back from the authorize page carries. */
export interface CallbackParams {
  state?: string;
  code?: string;
  /** `access_denied` when the user pressed Deny. */
  error?: string;
  errorReason?: string;
  errorDescription?: string;
}

/** Reads callback parameters from a URL's query string. */
export function callbackParamsFrom(query: URLSearchParams): CallbackParams {
  return {
    state: query.get('state') ?? undefined,
    code: query.get('code') ?? undefined,
    error: query.get('error') ?? undefined,
    errorReason: query.get('error_reason') ?? undefined,
    errorDescription: query.get('error_description') ?? undefined,
  };
}

// A bare code must look like one: Instagram's codes are long URL-safe
// strings, so a short word pasted by mistake is not taken for a code and
// does not end the flow in a failed exchange.
const BARE_CODE_PATTERN = /^[A-Za-z0-9._~-]{16,2048}$/;

/** Thrown when pasted text is neither a redirect URL nor a code. */
export class PasteNotRecognisedError extends Error {
  override readonly name = 'PasteNotRecognisedError';

  constructor() {
    super(
      'That is neither the address of the page the browser ended on nor ' +
        'an authorization code. Copy the whole address from the browser.',
    );
  }
}

/** What a paste turned out to be. */
export type PastedRedirect =
  { kind: 'code'; code: string } | { kind: 'redirect'; params: CallbackParams };

/**
 * Reads what a user pasted when the browser could not reach the app: the
 * final URL, its query string, or the bare code. Instagram appends `#_` to
 * the redirect; browsers drop fragments but a pasted address keeps it, so
 * the fragment is cut off before reading the query.
 */
export function parsePastedRedirect(text: string): PastedRedirect {
  const trimmed = text.trim().replace(/#.*$/s, '');

  if (BARE_CODE_PATTERN.test(trimmed)) {
    return { kind: 'code', code: trimmed };
  }

  const query = queryOf(trimmed);
  const params = query && callbackParamsFrom(query);
  if (!params || (!params.code && !params.error)) {
    throw new PasteNotRecognisedError();
  }

  return { kind: 'redirect', params };
}

function queryOf(text: string): URLSearchParams | undefined {
  const start = text.indexOf('?');
  if (start >= 0) {
    return new URLSearchParams(text.slice(start + 1));
  }

  return text.includes('=') ? new URLSearchParams(text) : undefined;
}
