/**
 * A real HTTP server on 127.0.0.1 that answers scripted responses and
 * records every request, for tests of code that talks HTTP. It listens on
 * a free port (port 0) and closes every connection, stalled ones included,
 * on `close()`.
 *
 *     const server = await startFixtureServer({
 *       'POST /oauth/access_token': fixtureAnswer('token-bigint.json'),
 *     });
 *     // ... call server.url('/oauth/access_token') ...
 *     await server.close();
 */
import { readFileSync } from 'node:fs';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A request as the server received it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query exactly as sent on the request line. */
  target: string;
  /** The path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The body as text, exactly as received. */
  body: string;
  /** The body read as an `application/x-www-form-urlencoded` form. */
  form: URLSearchParams;
}

/** How an answer misbehaves in time. */
export type Stall =
  /** Accept the request and never answer: no status line, nothing. */
  | 'headers'
  /** Send the status, headers and `body`, then go silent forever. */
  | 'body'
  /** Send headers, then one byte every 50 ms forever. */
  | 'trickle';

/** One scripted answer. */
export interface ScriptedAnswer {
  /** 200 when left out. */
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  stall?: Stall;
}

/** A fixed answer, or one computed from the request. */
export type Answer =
  ScriptedAnswer | ((request: ReceivedRequest) => ScriptedAnswer);

/** A running fixture server. */
export interface FixtureServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly origin: string;
  readonly port: number;
  /** Every request received, oldest first. */
  readonly requests: ReceivedRequest[];
  /** The origin joined with a path (and query) starting with `/`. */
  url(pathAndQuery: string): string;
  /**
   * Answers `method` on `path` (query ignored), replacing any earlier
   * route for the pair. Unrouted requests get 404 JSON.
   */
  route(method: string, path: string, answer: Answer): void;
  /** Closes every connection, stalled ones too, then the server. */
  close(): Promise<void>;
}

/** Routes keyed by `'METHOD /path'`, e.g. `'GET /v23.0/me'`. */
export type Routes = Record<string, Answer>;

const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The text of a file in `test/fixtures/`. */
export function readFixture(name: string): string {
  return readFileSync(`${FIXTURES_DIR}${name}`, 'utf8');
}

const FIXTURE_TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

/** Answers with a fixture file, its content type from its extension. */
export function fixtureAnswer(name: string, status = 200): ScriptedAnswer {
  const type = FIXTURE_TYPES[extname(name)] ?? 'text/plain';

  return { status, headers: { 'content-type': type }, body: readFixture(name) };
}

/** Answers with JSON: a value to serialize, or raw JSON text as is. */
export function jsonAnswer(body: unknown, status = 200): ScriptedAnswer {
  const text = typeof body === 'string' ? body : JSON.stringify(body);

  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: text,
  };
}

/** Starts a fixture server on 127.0.0.1 with the given routes. */
export async function startFixtureServer(
  routes: Routes = {},
): Promise<FixtureServer> {
  const table = new Map(Object.entries(routes));
  const requests: ReceivedRequest[] = [];
  const tricklers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    void receive(req).then((request) => {
      requests.push(request);
      answer(res, resolveAnswer(table, request), tricklers);
    });
  });

  const port = await listen(server);
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    port,
    requests,
    url: (pathAndQuery) => `${origin}${pathAndQuery}`,
    route: (method, path, scripted) => {
      table.set(`${method.toUpperCase()} ${path}`, scripted);
    },
    close: () => stop(server, tricklers),
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function receive(req: IncomingMessage): Promise<ReceivedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }

  const body = Buffer.concat(chunks).toString('utf8');
  const target = req.url ?? '/';
  const parsed = new URL(target, 'http://127.0.0.1');

  return {
    method: req.method ?? 'GET',
    target,
    path: parsed.pathname,
    query: parsed.searchParams,
    headers: req.headers,
    body,
    form: new URLSearchParams(body),
  };
}

const NOT_FOUND: ScriptedAnswer = jsonAnswer({ error: 'no route' }, 404);

function resolveAnswer(
  table: Map<string, Answer>,
  request: ReceivedRequest,
): ScriptedAnswer {
  const scripted = table.get(`${request.method} ${request.path}`);

  if (scripted === undefined) {
    return NOT_FOUND;
  }
  return typeof scripted === 'function' ? scripted(request) : scripted;
}

function answer(
  res: ServerResponse,
  scripted: ScriptedAnswer,
  tricklers: Set<NodeJS.Timeout>,
): void {
  if (scripted.stall === 'headers') {
    return;
  }

  res.writeHead(scripted.status ?? 200, scripted.headers);
  if (scripted.stall === 'body') {
    res.write(scripted.body ?? ' ');
    return;
  }
  if (scripted.stall === 'trickle') {
    trickle(res, tricklers);
    return;
  }
  res.end(scripted.body ?? '');
}

function trickle(res: ServerResponse, tricklers: Set<NodeJS.Timeout>): void {
  const timer = setInterval(() => res.write(' '), 50);

  tricklers.add(timer);
  res.once('close', () => {
    clearInterval(timer);
    tricklers.delete(timer);
  });
}

async function stop(
  server: Server,
  tricklers: Set<NodeJS.Timeout>,
): Promise<void> {
  for (const timer of tricklers) {
    clearInterval(timer);
  }
  tricklers.clear();

  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
