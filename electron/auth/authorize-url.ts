import { type ProviderConfig } from '../core/types';
import { type FlowSecrets } from './pkce';

/** Options of one authorization request. */
export interface AuthorizeOptions {
  /** Ask the user again even when already consented (`force_reauth`). */
  forceReauth?: boolean;
}

/**
 * The authorize page URL. Instagram takes scopes comma-separated; the PKCE
 * pair rides along (RFC 7636 section 4.3) and is ignored where unsupported.
 */
export function buildAuthorizeUrl(
  provider: ProviderConfig,
  secrets: FlowSecrets,
  options: AuthorizeOptions = {},
): string {
  const url = new URL(provider.authorizeUrl);
  const query = url.searchParams;

  query.set('client_id', provider.appId);
  query.set('redirect_uri', provider.redirectUri);
  query.set('response_type', 'code');
  query.set('scope', provider.scopes.join(','));
  query.set('state', secrets.state);
  query.set('code_challenge', secrets.codeChallenge);
  query.set('code_challenge_method', 'S256');
  if (options.forceReauth) query.set('force_reauth', 'true');

  return url.toString();
}
