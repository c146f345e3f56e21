/**
 * The redirect URIs the sandbox accepts: HTTPS anywhere, as Instagram
 * requires, plus plain HTTP on the loopback literals for native apps
 * (RFC 8252 section 7.3). `localhost` is refused on purpose: it may resolve
 * to another interface (RFC 8252 section 8.3).
 *
 * Returns why the URI is refused, or undefined when it is acceptable.
 */
export function redirectUriProblem(redirectUri: string): string | undefined {
  // Printable ASCII only: the URI goes back verbatim in a Location header.
  if (!/^[\x21-\x7e]+$/.test(redirectUri)) {
    return 'redirect_uri must be ASCII without spaces (percent-encode it)';
  }

  const url = URL.canParse(redirectUri) ? new URL(redirectUri) : undefined;

  if (url === undefined) return 'redirect_uri is not a valid URL';
  // RFC 6749 section 3.1.2: a redirection endpoint has no fragment.
  if (redirectUri.includes('#'))
    return 'redirect_uri must not have a #fragment';
  if (url.username !== '' || url.password !== '') {
    return 'redirect_uri must not carry a user name or password';
  }
  if (!isAllowedOrigin(url)) {
    return (
      'redirect_uri must be https://…, http://127.0.0.1:<port>/… or ' +
      'http://[::1]:<port>/…'
    );
  }

  return undefined;
}

function isAllowedOrigin(url: URL): boolean {
  if (url.protocol === 'https:') return true;

  return (
    url.protocol === 'http:' &&
    (url.hostname === '127.0.0.1' || url.hostname === '[::1]')
  );
}

/**
 * Appends query parameters to a redirect URI without re-serialising it, so
 * the app gets back exactly the URI it registered.
 */
export function withQuery(
  redirectUri: string,
  params: URLSearchParams,
): string {
  const separator = redirectUri.includes('?') ? '&' : '?';

  return `${redirectUri}${separator}${params.toString()}`;
}

/**
 * The CSP source that lets the consent form's redirect reach this URI.
 * Chromium rejects IPv6 literals in source lists (CSP Level 3's host-source
 * grammar has none), so `[::1]` falls back to the `http:` scheme; the
 * redirect target itself was already checked by `redirectUriProblem`.
 */
export function formActionSource(redirectUri: string): string {
  const url = new URL(redirectUri);

  return url.hostname.startsWith('[') ? url.protocol : url.origin;
}
