import { type ServerResponse } from 'node:http';

import {
  GATEWAY_502_HTML,
  GRAPH_ERROR_190_JSON,
  INTERNAL_ERROR_TEXT,
  OAUTH_ERROR_JSON,
} from './canned-responses';
import { sendJson, sendText } from './http-io';

/** The sandbox endpoints that can be told to fail. */
export type SandboxEndpoint =
  'authorize' | 'token' | 'exchange' | 'refresh' | 'me';

/** Every endpoint name, in the order the flow calls them. */
export const SANDBOX_ENDPOINTS: readonly SandboxEndpoint[] = [
  'authorize',
  'token',
  'exchange',
  'refresh',
  'me',
];

/**
 * How an endpoint fails (DESIGN.md, cases): a bare 500, a proxy's HTML
 * 502, a connection that never answers, Graph error 190, or the OAuth
 * error "Invalid redirect_uri".
 */
export type SandboxFailure =
  'http-500' | 'html-502' | 'stall' | 'graph-190' | 'oauth-error';

/** The consent page can also fail by turning Allow into Deny. */
export type AuthorizeFailure = SandboxFailure | 'refuse';

/** The failures an endpoint accepts: `refuse` is for `authorize` only. */
export type FailureFor<E extends SandboxEndpoint> = E extends 'authorize'
  ? AuthorizeFailure
  : SandboxFailure;

const FAILURES: readonly AuthorizeFailure[] = [
  'http-500',
  'html-502',
  'stall',
  'graph-190',
  'oauth-error',
  'refuse',
];

/** The sandbox was asked for something it cannot do. */
export class SandboxUsageError extends Error {
  override readonly name = 'SandboxUsageError';
}

/**
 * The failure switches. Queued one-shot failures come first, in order;
 * a standing failure applies whenever the queue has nothing to give.
 */
export class FailureSwitches {
  private readonly queued = new Map<SandboxEndpoint, AuthorizeFailure[]>();
  private readonly standing = new Map<SandboxEndpoint, AuthorizeFailure>();

  /** Fails the next `times` calls to `endpoint`. */
  failNext(endpoint: SandboxEndpoint, failure: AuthorizeFailure, times = 1) {
    checkFailure(endpoint, failure);
    if (!Number.isInteger(times) || times < 1) {
      throw new SandboxUsageError('times must be a whole number above 0');
    }

    const queue = this.queued.get(endpoint) ?? [];

    queue.push(...Array.from({ length: times }, () => failure));
    this.queued.set(endpoint, queue);
  }

  /** Fails every call to `endpoint` until `clear()`. */
  failAlways(endpoint: SandboxEndpoint, failure: AuthorizeFailure) {
    checkFailure(endpoint, failure);
    this.standing.set(endpoint, failure);
  }

  /** Removes every switch. */
  clear(): void {
    this.queued.clear();
    this.standing.clear();
  }

  /**
   * The failure this call must show, if any, consuming a queued one. Only
   * failures that `applies` accepts are taken: the consent page's GET takes
   * the HTTP failures, its form POST only `refuse`.
   */
  take(
    endpoint: SandboxEndpoint,
    applies: (failure: AuthorizeFailure) => boolean,
  ): AuthorizeFailure | undefined {
    const queue = this.queued.get(endpoint) ?? [];
    const next = queue[0];

    if (next !== undefined && applies(next)) return queue.shift();

    const standing = this.standing.get(endpoint);

    return standing !== undefined && applies(standing) ? standing : undefined;
  }
}

function checkFailure(endpoint: SandboxEndpoint, failure: AuthorizeFailure) {
  if (!SANDBOX_ENDPOINTS.includes(endpoint)) {
    throw new SandboxUsageError(`Unknown sandbox endpoint: ${endpoint}`);
  }
  if (!FAILURES.includes(failure)) {
    throw new SandboxUsageError(`Unknown sandbox failure: ${failure}`);
  }
  if (failure === 'refuse' && endpoint !== 'authorize') {
    throw new SandboxUsageError('Only the authorize endpoint can refuse');
  }
}

/**
 * Answers a call the way `failure` says. A stall writes nothing: the
 * connection stays open until the client gives up or the sandbox closes.
 */
export function sendFailure(
  res: ServerResponse,
  failure: Exclude<AuthorizeFailure, 'refuse'>,
): void {
  switch (failure) {
    case 'http-500':
      return sendText(res, 500, INTERNAL_ERROR_TEXT);
    case 'html-502':
      res.writeHead(502, { 'content-type': 'text/html; charset=utf-8' });
      res.end(GATEWAY_502_HTML);
      return;
    case 'stall':
      return;
    case 'graph-190':
      return sendJson(res, 400, GRAPH_ERROR_190_JSON);
    case 'oauth-error':
      return sendJson(res, 400, OAUTH_ERROR_JSON);
  }
}
