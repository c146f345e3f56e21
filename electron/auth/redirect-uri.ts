import { type Settings } from '../core/types';

/** The loopback server's only path. */
export const CALLBACK_PATH = '/callback';

/**
 * The loopback host, written as a literal: `localhost` may resolve to
 * `::1` first while the server listens on IPv4 (RFC 8252 section 8.3
 * recommends the literal for this reason).
 */
export const LOOPBACK_HOST = '127.0.0.1';

/**
 * The redirect URI for the given settings. Settings, the authorize URL and
 * the code exchange all call this one function, so the three can never
 * differ by a byte (Instagram compares them exactly).
 */
export function redirectUriFor(
  settings: Pick<Settings, 'redirectMode' | 'relayUrl' | 'port'>,
): string {
  if (settings.redirectMode === 'relay') {
    return settings.relayUrl;
  }

  return loopbackCallbackUrl(settings.port);
}

/** Where the loopback server answers: `http://127.0.0.1:<port>/callback`. */
export function loopbackCallbackUrl(port: number): string {
  return `http://${LOOPBACK_HOST}:${port}${CALLBACK_PATH}`;
}
