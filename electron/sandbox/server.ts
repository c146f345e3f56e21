import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type Logger, silentLogger } from '../core/logger';
import {
  type Clock,
  INSTAGRAM_SCOPES,
  type LongLivedToken,
  type ProviderEndpoints,
} from '../core/types';
import { answerConsent, type ConsentChoice } from './consent-client';
import { ConsentRegistry } from './consents';
import { type SandboxContext, type TokenShape } from './context';
import {
  type FailureFor,
  FailureSwitches,
  type SandboxEndpoint,
  SandboxUsageError,
} from './failures';
import { GrantRegistry, LONG_LIVED_SECONDS } from './grants';
import { dispatch, emptyStats, type SandboxStats } from './routes';
import { findUser, SANDBOX_USERS, type SandboxUser } from './users';

export { type ConsentChoice, SandboxConsentError } from './consent-client';
export { type TokenShape } from './context';
export {
  type AuthorizeFailure,
  type FailureFor,
  SANDBOX_ENDPOINTS,
  type SandboxEndpoint,
  type SandboxFailure,
  SandboxUsageError,
} from './failures';
export { type SandboxStats } from './routes';
export { SANDBOX_USERS, type SandboxUser } from './users';

/** The App ID the sandbox expects unless told otherwise. */
export const SANDBOX_APP_ID = 'sandbox-app-id';

/** The App Secret the sandbox expects; public, it guards nothing real. */
export const SANDBOX_APP_SECRET = 'sandbox-app-secret';

/** The Graph API version the sandbox advertises. */
export const SANDBOX_GRAPH_VERSION = 'v23.0';

/** How to start a sandbox. */
export interface SandboxOptions {
  /** Every expiry is judged by this clock; tests move it by hand. */
  clock: Clock;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Defaults to `SANDBOX_APP_ID`. */
  appId?: string;
  /** Defaults to `SANDBOX_APP_SECRET`. */
  appSecret?: string;
  /**
   * Used as given (pass a child): gets paths and outcomes, never codes,
   * tokens or secrets.
   */
  logger?: Logger;
  /** The code exchange's answer shape; defaults to `flat`. */
  tokenShape?: TokenShape;
}

/** A running sandbox: an offline Instagram on 127.0.0.1. */
export interface Sandbox {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly baseUrl: string;
  /** Ready to use as a provider's endpoints. */
  readonly endpoints: ProviderEndpoints;
  readonly appId: string;
  readonly appSecret: string;
  /** The simulated accounts, ids above 2^53. */
  readonly users: readonly SandboxUser[];
  /** Live counts of calls per route, failed calls included. */
  readonly stats: Readonly<SandboxStats>;
  /** Fails the next `times` calls to `endpoint` (default 1), in order. */
  failNext<E extends SandboxEndpoint>(
    endpoint: E,
    failure: FailureFor<E>,
    times?: number,
  ): void;
  /** Fails every call to `endpoint` until `clearFailures()`. */
  failAlways<E extends SandboxEndpoint>(
    endpoint: E,
    failure: FailureFor<E>,
  ): void;
  clearFailures(): void;
  /** Revokes a token (as removing the app on Instagram would). */
  revoke(accessToken: string): boolean;
  /**
   * Issues a long-lived token for a simulated account at the clock's
   * current time, skipping the browser: for tests of refresh and `/me`.
   */
  issueLongLivedToken(
    userId: string,
    scopes?: readonly string[],
  ): LongLivedToken;
  /** Answers the consent page over HTTP; returns the redirect URL. */
  answerConsent(authorizeUrl: string, choice?: ConsentChoice): Promise<string>;
  /** Sets every count in `stats` back to zero. */
  resetStats(): void;
  /** Stops listening and ends every connection, stalled ones included. */
  close(): Promise<void>;
}

/** The sandbox could not listen on its port. */
export class SandboxStartError extends Error {
  override readonly name = 'SandboxStartError';
}

/** Starts a sandbox listening on 127.0.0.1. */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const server = createServer();
  const port = await listen(server, options.port ?? 0);
  const ctx = sandboxContext(options, `http://127.0.0.1:${port}`);
  const stats = emptyStats();

  server.on('request', (req, res) => void dispatch(ctx, stats, req, res));
  ctx.logger.info('sandbox listening', { baseUrl: ctx.baseUrl });
  return sandboxHandle(server, ctx, stats);
}

// Loopback only, never 0.0.0.0 (DESIGN.md, "Getting the redirect back").
function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new SandboxStartError(
          `The sandbox cannot listen on 127.0.0.1:${port} (${error.code})`,
        ),
      );
    });
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function sandboxContext(
  options: SandboxOptions,
  baseUrl: string,
): SandboxContext {
  return {
    clock: options.clock,
    logger: options.logger ?? silentLogger,
    baseUrl,
    appId: options.appId ?? SANDBOX_APP_ID,
    appSecret: options.appSecret ?? SANDBOX_APP_SECRET,
    tokenShape: options.tokenShape ?? 'flat',
    users: SANDBOX_USERS,
    grants: new GrantRegistry(options.clock),
    consents: new ConsentRegistry(options.clock),
    failures: new FailureSwitches(),
  };
}

function sandboxHandle(
  server: Server,
  ctx: SandboxContext,
  stats: SandboxStats,
): Sandbox {
  let closing: Promise<void> | undefined;

  return {
    baseUrl: ctx.baseUrl,
    endpoints: sandboxEndpoints(ctx.baseUrl),
    appId: ctx.appId,
    appSecret: ctx.appSecret,
    users: ctx.users,
    stats,
    failNext: (endpoint, failure, times = 1) =>
      ctx.failures.failNext(endpoint, failure, times),
    failAlways: (endpoint, failure) =>
      ctx.failures.failAlways(endpoint, failure),
    clearFailures: () => ctx.failures.clear(),
    revoke: (accessToken) => ctx.grants.revoke(accessToken),
    issueLongLivedToken: (userId, scopes) =>
      issueLongLived(ctx, userId, scopes ?? INSTAGRAM_SCOPES),
    answerConsent: (authorizeUrl, choice) =>
      answerConsent(ctx.baseUrl, authorizeUrl, choice),
    resetStats: () => Object.assign(stats, emptyStats()),
    close: () => (closing ??= closeServer(server)),
  };
}

/** The provider endpoints of a sandbox at `baseUrl`. */
export function sandboxEndpoints(baseUrl: string): ProviderEndpoints {
  return {
    authorizeUrl: `${baseUrl}/oauth/authorize`,
    tokenUrl: `${baseUrl}/oauth/access_token`,
    graphBaseUrl: baseUrl,
    graphVersion: SANDBOX_GRAPH_VERSION,
  };
}

function issueLongLived(
  ctx: SandboxContext,
  userId: string,
  scopes: readonly string[],
): LongLivedToken {
  if (findUser(ctx.users, userId) === undefined) {
    throw new SandboxUsageError(`No simulated account has the id ${userId}`);
  }

  return {
    accessToken: ctx.grants.issueToken('long-lived', userId, [...scopes]),
    tokenType: 'bearer',
    expiresInSeconds: LONG_LIVED_SECONDS,
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // A stalled request never ends by itself; close() alone would wait.
    server.closeAllConnections();
  });
}
