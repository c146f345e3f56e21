/**
 * One HTTP exchange with Instagram over undici, bounded in time and size,
 * with every transport failure turned into an `InstagramError`.
 */
import { type Dispatcher, request } from 'undici';

import { type Logger } from '../core/logger';
import {
  InstagramError,
  type InstagramOperation,
  networkError,
  timeoutError,
} from './errors';

/** How long each phase of a request may take, in milliseconds. */
export interface InstagramTimeouts {
  /** Opening the TCP (and TLS) connection. */
  connectMs: number;
  /** From the request sent to the answer's headers. */
  headersMs: number;
  /** The longest silence while the answer's body arrives. */
  bodyMs: number;
}

/**
 * Instalink's timeouts: connect 10 s, headers 15 s, body 15 s. On top of
 * them every request has an overall deadline of their sum (see
 * `overallDeadlineMs`), so any call, a stalled one included (case stall),
 * ends with an `InstagramError` of kind `timeout` within 40 seconds.
 */
export const DEFAULT_INSTAGRAM_TIMEOUTS: Readonly<InstagramTimeouts> = {
  connectMs: 10_000,
  headersMs: 15_000,
  bodyMs: 15_000,
};

/**
 * The documented bound of one request: connect + headers + body. It also
 * ends a body that trickles in a byte at a time, which the body timeout
 * alone (a limit on silence) would let run forever.
 */
export function overallDeadlineMs(timeouts: InstagramTimeouts): number {
  return timeouts.connectMs + timeouts.headersMs + timeouts.bodyMs;
}

/** One request as the client describes it. */
export interface HttpRequest {
  operation: InstagramOperation;
  method: 'GET' | 'POST';
  url: URL;
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: URLSearchParams;
  accept: string;
  /** The answer's body is refused beyond this many bytes. */
  maxBytes: number;
}

/** An answer read off the wire. */
export interface HttpAnswer {
  status: number;
  /** Media type only, lower case, without parameters. */
  contentType: string;
  body: Buffer;
}

/** What a request needs from the client. */
export interface HttpContext {
  dispatcher: Dispatcher;
  timeouts: InstagramTimeouts;
  logger?: Logger;
}

/**
 * Sends the request and reads the whole answer, or throws an
 * `InstagramError` of kind `timeout` or `network` (or `invalid-response`
 * for a body over `maxBytes`). Logs the host and path, never the query.
 */
export async function sendRequest(
  spec: HttpRequest,
  context: HttpContext,
): Promise<HttpAnswer> {
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(),
    overallDeadlineMs(context.timeouts),
  );

  context.logger?.debug('instagram request', describeRequest(spec));

  try {
    return await exchange(spec, context, deadline.signal);
  } catch (err) {
    throw transportError(err, spec, context.timeouts, deadline.signal);
  } finally {
    clearTimeout(timer);
  }
}

async function exchange(
  spec: HttpRequest,
  context: HttpContext,
  signal: AbortSignal,
): Promise<HttpAnswer> {
  const response = await request(spec.url, {
    method: spec.method,
    headers: requestHeaders(spec),
    body: spec.form?.toString(),
    dispatcher: context.dispatcher,
    headersTimeout: context.timeouts.headersMs,
    bodyTimeout: context.timeouts.bodyMs,
    signal,
  });

  const body = await readLimited(response.body, spec);

  context.logger?.debug('instagram answer', {
    ...describeRequest(spec),
    status: response.statusCode,
  });

  return {
    status: response.statusCode,
    contentType: mediaType(response.headers['content-type']),
    body,
  };
}

function requestHeaders(spec: HttpRequest): Record<string, string> {
  const headers: Record<string, string> = { accept: spec.accept };

  if (spec.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }

  return headers;
}

/** Host and path of a request: what may be logged. */
export function describeRequest(spec: HttpRequest): Record<string, string> {
  return {
    operation: spec.operation,
    method: spec.method,
    endpoint: `${spec.url.host}${spec.url.pathname}`,
  };
}

function mediaType(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;

  return (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Reads a body, giving up (and closing it) past `maxBytes`. */
async function readLimited(
  body: Dispatcher.ResponseData['body'],
  spec: HttpRequest,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;

  for await (const chunk of body) {
    const bytes = Buffer.from(chunk as Uint8Array);
    size += bytes.length;
    if (size > spec.maxBytes) {
      body.destroy();
      throw tooLargeError(spec);
    }
    chunks.push(bytes);
  }

  return Buffer.concat(chunks);
}

function tooLargeError(spec: HttpRequest): InstagramError {
  const limit = Math.round(spec.maxBytes / 1024);

  return new InstagramError(
    'invalid-response',
    `Instagram sent an answer larger than ${limit} kB, which Instalink ` +
      'does not accept. A proxy may be answering instead of Instagram.',
    { operation: spec.operation },
  );
}

/** The error code of an undici or Node error, looking inside wrappers. */
function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) {
    return undefined;
  }

  const { code, cause, errors } = err as {
    code?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    return code;
  }
  if (Array.isArray(errors) && errors.length > 0) {
    return errorCode(errors[0]);
  }

  return errorCode(cause);
}

/** A proxy that refused the tunnel or asked for credentials. */
function isProxyRefusal(err: unknown): boolean {
  const message = err instanceof Error ? err.message : '';

  return /^Proxy (response|Authentication)/.test(message);
}

/** Maps a failure of the exchange; an `InstagramError` passes through. */
function transportError(
  err: unknown,
  spec: HttpRequest,
  timeouts: InstagramTimeouts,
  deadline: AbortSignal,
): InstagramError {
  if (err instanceof InstagramError) {
    return err;
  }
  if (deadline.aborted) {
    return timeoutError('overall', overallDeadlineMs(timeouts), spec.operation);
  }

  const code = errorCode(err) ?? 'unknown error';
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return timeoutError('connect', timeouts.connectMs, spec.operation);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return timeoutError('headers', timeouts.headersMs, spec.operation);
    case 'UND_ERR_BODY_TIMEOUT':
      return timeoutError('body', timeouts.bodyMs, spec.operation);
  }

  const reported = isProxyRefusal(err) ? 'PROXY' : code;
  return networkError(spec.url.host, reported, spec.operation);
}
