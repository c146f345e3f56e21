/**
 * The default dispatcher: undici's `EnvHttpProxyAgent`, which honours
 * `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (lower-case names first, as
 * curl reads them) the way users of proxies expect (DESIGN.md, "Behaviours
 * users expect").
 */
import { type Dispatcher, EnvHttpProxyAgent } from 'undici';

import { type InstagramTimeouts } from './http';

/** Hosts that never go through a proxy unless asked: the loopback. */
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'] as const;

/** The environment variables the dispatcher reads. */
export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

/** How the default dispatcher treats proxies. */
export interface ProxyOptions {
  /**
   * Send loopback requests (the sandbox, a local broker) directly even when
   * a proxy is set, as Chromium does: a proxy cannot reach this computer's
   * 127.0.0.1. Default true.
   */
  bypassProxyForLoopback?: boolean;
  /** Where to read the proxy variables; `process.env` by default. */
  env?: ProxyEnvironment;
}

function firstSet(env: ProxyEnvironment, names: string[]): string {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) {
      return value;
    }
  }

  return '';
}

/**
 * The `NO_PROXY` list to use. A lone `*` (no proxy at all) must stay alone:
 * undici only treats the exact value `*` as the wildcard.
 */
export function noProxyList(
  env: ProxyEnvironment,
  bypassLoopback: boolean,
): string {
  const fromEnv = firstSet(env, ['no_proxy', 'NO_PROXY']).trim();

  if (fromEnv === '*' || !bypassLoopback) {
    return fromEnv;
  }

  return [fromEnv, ...LOOPBACK_HOSTS].filter(Boolean).join(',');
}

/**
 * Builds the dispatcher used when none is passed in: proxies from the
 * environment, read once now, with Instalink's timeouts.
 */
export function createEnvProxyDispatcher(
  timeouts: InstagramTimeouts,
  options: ProxyOptions = {},
): Dispatcher {
  const env = options.env ?? process.env;
  const bypassLoopback = options.bypassProxyForLoopback ?? true;

  return new EnvHttpProxyAgent({
    // An empty value (never undefined) keeps undici from reading
    // process.env itself when another environment was passed in.
    httpProxy: firstSet(env, ['http_proxy', 'HTTP_PROXY']),
    httpsProxy: firstSet(env, ['https_proxy', 'HTTPS_PROXY']),
    noProxy: noProxyList(env, bypassLoopback),
    connectTimeout: timeouts.connectMs,
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
  });
}
