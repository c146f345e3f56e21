import { timingSafeEqual } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo } from 'node:net';

import { type Logger } from '../core/logger';
import {
  type CallbackPage,
  LOOPBACK_PAGES,
  PAGE_HEADERS,
  renderCallbackPage,
} from './callback-page';
import { type CallbackParams, callbackParamsFrom } from './callback-params';
import { CALLBACK_PATH, LOOPBACK_HOST } from './redirect-uri';

/** Thrown when the configured port already has a listener. */
export class PortTakenError extends Error {
  override readonly name = 'PortTakenError';

  constructor(readonly port: number) {
    super(
      `Port ${port} on ${LOOPBACK_HOST} is already in use by another ` +
        'program, so Instalink cannot receive the sign-in. Close that ' +
        'program, or pick another port in Settings and register the new ' +
        'redirect URI in your Meta app.',
    );
  }
}

/** Options of the one-shot loopback server. */
export interface LoopbackOptions {
  port: number;
  /** The state of the flow waiting; other states get 400. */
  expectedState: string;
  /**
   * Called once, for the first callback whose state matches. The browser
   * tab waits for the page it returns, so it can say how the flow ended.
   */
  onCallback: (params: CallbackParams) => Promise<CallbackPage>;
  logger: Logger;
}

/** A listening loopback server. */
export interface LoopbackServer {
  readonly port: number;
  /** The address actually bound; always 127.0.0.1. */
  readonly host: string;
  /** Stops listening and drops idle connections. Safe to call twice. */
  close(): Promise<void>;
}

/** Compares states in constant time, so timing leaks nothing of ours. */
function sameState(received: string | undefined, expected: string): boolean {
  if (received === undefined) return false;

  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(response: ServerResponse, page: CallbackPage): void {
  const allow = page.status === 405 ? { Allow: 'GET' } : {};

  // No keep-alive: a browser's pooled connection to a closed flow's server
  // would otherwise carry the next flow's callback to the old one.
  response.writeHead(page.status, {
    ...PAGE_HEADERS,
    ...allow,
    Connection: 'close',
  });
  response.end(renderCallbackPage(page));
}

/**
 * Decides the page for each request. Only GET may deliver the callback: a
 * HEAD from a link scanner must not use up the flow's one callback.
 */
function createRouter(options: LoopbackOptions, log: Logger) {
  let consumed = false;

  return async (request: IncomingMessage): Promise<CallbackPage> => {
    if (request.method !== 'GET') return LOOPBACK_PAGES.methodNotAllowed;

    const url = new URL(request.url ?? '/', `http://${LOOPBACK_HOST}`);
    if (url.pathname !== CALLBACK_PATH) return LOOPBACK_PAGES.notFound;

    const params = callbackParamsFrom(url.searchParams);
    if (!sameState(params.state, options.expectedState)) {
      log.warn('callback with an unknown state refused');
      return LOOPBACK_PAGES.unknownState;
    }
    if (consumed) return LOOPBACK_PAGES.alreadyDone;

    consumed = true;
    return options.onCallback(params);
  };
}

/**
 * Starts the loopback server of RFC 8252 section 7.3 on 127.0.0.1 only.
 * Stray requests (favicon, prefetch, other paths) get 404 and the flow
 * keeps waiting; the first callback with the expected state is handed to
 * `onCallback`; later ones, and unknown states, get 400 and change nothing.
 */
export async function startLoopbackServer(
  options: LoopbackOptions,
): Promise<LoopbackServer> {
  const log = options.logger.child('loopback');
  const route = createRouter(options, log);
  const server = createServer((request, response) => {
    route(request).then(
      (page) => send(response, page),
      () => send(response, LOOPBACK_PAGES.failed),
    );
  });

  await listen(server, options.port);
  const address = server.address() as AddressInfo;

  log.info('listening', { port: address.port });
  return {
    port: address.port,
    host: address.address,
    close: () => closeServer(server),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const taken = error.code === 'EADDRINUSE' || error.code === 'EACCES';
      reject(taken ? new PortTakenError(port) : error);
    });
    server.listen({ port, host: LOOPBACK_HOST, exclusive: true }, resolve);
  });
}

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();

  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
