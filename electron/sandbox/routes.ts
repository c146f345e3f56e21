import { type IncomingMessage, type ServerResponse } from 'node:http';

import { answerConsentForm, showConsentPage } from './authorize';
import { type SandboxContext } from './context';
import { type SandboxEndpoint, sendFailure } from './failures';
import {
  exchangeForLongLived,
  refreshLongLived,
  sendAvatar,
  showProfile,
} from './graph';
import { FormBodyError, sendText } from './http-io';
import { exchangeCode } from './token';

/** Calls received per sandbox route, failed ones included. */
export interface SandboxStats {
  /** `GET /oauth/authorize`: consent pages shown. */
  authorize: number;
  /** `POST /oauth/authorize`: consent forms answered. */
  consent: number;
  /** `POST /oauth/access_token`: code exchanges. */
  token: number;
  /** `GET /access_token`: long-lived exchanges. */
  exchange: number;
  /** `GET /refresh_access_token`. */
  refresh: number;
  /** `GET /<version>/me`. */
  me: number;
  /** `GET /avatars/<id>.png`. */
  avatar: number;
}

/** A stats object with every count at zero. */
export function emptyStats(): SandboxStats {
  return {
    authorize: 0,
    consent: 0,
    token: 0,
    exchange: 0,
    refresh: 0,
    me: 0,
    avatar: 0,
  };
}

interface Call {
  ctx: SandboxContext;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
}

interface Route {
  method: 'GET' | 'POST';
  path: RegExp;
  counter: keyof SandboxStats;
  /** The switch board that applies; the consent POST reads `refuse` itself. */
  failures?: SandboxEndpoint;
  handle(call: Call): void | Promise<void>;
}

const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: /^\/oauth\/authorize$/,
    counter: 'authorize',
    failures: 'authorize',
    handle: ({ ctx, res, url }) => showConsentPage(ctx, res, url.searchParams),
  },
  {
    method: 'POST',
    path: /^\/oauth\/authorize$/,
    counter: 'consent',
    handle: ({ ctx, req, res }) => answerConsentForm(ctx, req, res),
  },
  {
    method: 'POST',
    path: /^\/oauth\/access_token$/,
    counter: 'token',
    failures: 'token',
    handle: ({ ctx, req, res }) => exchangeCode(ctx, req, res),
  },
  {
    method: 'GET',
    path: /^\/access_token$/,
    counter: 'exchange',
    failures: 'exchange',
    handle: ({ ctx, res, url }) =>
      exchangeForLongLived(ctx, res, url.searchParams),
  },
  {
    method: 'GET',
    path: /^\/refresh_access_token$/,
    counter: 'refresh',
    failures: 'refresh',
    handle: ({ ctx, res, url }) => refreshLongLived(ctx, res, url.searchParams),
  },
  {
    // Graph serves `/me` with or without a version segment.
    method: 'GET',
    path: /^(\/v\d+\.\d+)?\/me$/,
    counter: 'me',
    failures: 'me',
    handle: ({ ctx, req, res, url }) =>
      showProfile(ctx, req, res, url.searchParams),
  },
  {
    method: 'GET',
    path: /^\/avatars\/\d+\.png$/,
    counter: 'avatar',
    handle: ({ ctx, res, url }) => {
      const userId = /(\d+)\.png$/.exec(url.pathname)?.[1] ?? '';

      if (!sendAvatar(ctx, res, userId)) notFound(res);
    },
  },
];

/**
 * Answers one request: finds its route, counts it, applies a failure
 * switch if one is set, then runs the handler. Never throws.
 */
export async function dispatch(
  ctx: SandboxContext,
  stats: SandboxStats,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    await route(ctx, stats, req, res);
  } catch (error) {
    answerUnexpected(ctx, res, error);
  }
}

async function route(
  ctx: SandboxContext,
  stats: SandboxStats,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = requestUrl(ctx, req);
  const onPath = url ? ROUTES.filter((r) => r.path.test(url.pathname)) : [];
  const match = onPath.find((r) => r.method === req.method);

  // Paths only: query strings carry codes and tokens.
  ctx.logger.debug('sandbox request', {
    method: req.method,
    path: url?.pathname,
  });
  if (url === undefined || onPath.length === 0) return notFound(res);
  if (match === undefined) return methodNotAllowed(res, onPath);

  stats[match.counter] += 1;
  if (answeredBySwitch(ctx, match, res)) return;
  await match.handle({ ctx, req, res, url });
}

/** Applies the route's failure switch, if one is set; true if it did. */
function answeredBySwitch(
  ctx: SandboxContext,
  match: Route,
  res: ServerResponse,
): boolean {
  const endpoint = match.failures;
  const failure =
    endpoint && ctx.failures.take(endpoint, (f) => f !== 'refuse');

  if (failure === undefined || failure === 'refuse') return false;

  ctx.logger.info('sandbox failure switch', { endpoint, failure });
  sendFailure(res, failure);
  return true;
}

// Concatenation, not `new URL(path, base)`: a path like `//host/x` must
// stay a path on this server.
function requestUrl(
  ctx: SandboxContext,
  req: IncomingMessage,
): URL | undefined {
  const target = `${ctx.baseUrl}${req.url ?? '/'}`;

  return (req.url ?? '/').startsWith('/') && URL.canParse(target)
    ? new URL(target)
    : undefined;
}

function notFound(res: ServerResponse): void {
  sendText(res, 404, 'Not found\n');
}

function methodNotAllowed(res: ServerResponse, onPath: readonly Route[]) {
  res.setHeader('allow', onPath.map((r) => r.method).join(', '));
  sendText(res, 405, 'Method not allowed\n');
}

function answerUnexpected(
  ctx: SandboxContext,
  res: ServerResponse,
  error: unknown,
): void {
  const known = error instanceof FormBodyError;

  if (!known) {
    ctx.logger.error('sandbox handler failed', {
      error: error instanceof Error ? error.name : typeof error,
    });
  }
  if (res.headersSent) return void res.destroy();
  if (known) return sendText(res, error.status, `${error.message}\n`);
  sendText(res, 500, 'Sandbox error\n');
}
