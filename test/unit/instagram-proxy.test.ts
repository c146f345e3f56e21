import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  createInstagramClient,
  type InstagramClient,
  type InstagramClientOptions,
} from '../../electron/instagram/client';
import { InstagramError } from '../../electron/instagram/errors';
import { noProxyList } from '../../electron/instagram/proxy';
import {
  type FixtureServer,
  jsonAnswer,
  startFixtureServer,
} from '../support/fixture-server';
import { fixtureClientOptions } from '../support/instagram-client-fixtures';

/**
 * A tunnelling (CONNECT) proxy on 127.0.0.1 that relays only to 127.0.0.1,
 * the way undici reaches any origin through a proxy.
 */
interface TestProxy {
  origin: string;
  /** `CONNECT host:port` lines it received. */
  seen: string[];
  /** Answer 403 to every tunnel, like a proxy that forbids the host. */
  refuseAll: boolean;
  close(): Promise<void>;
}

function relayConnect(req: IncomingMessage, client: Socket, proxy: TestProxy) {
  const [host, port] = (req.url ?? '').split(':');
  proxy.seen.push(`CONNECT ${req.url}`);
  if (proxy.refuseAll || host !== '127.0.0.1') {
    client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    return;
  }

  const upstream = connect(Number(port), '127.0.0.1', () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.pipe(client).pipe(upstream);
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
}

async function startProxy(): Promise<TestProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    res.writeHead(405).end();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const proxy: TestProxy = {
    origin: `http://127.0.0.1:${port}`,
    seen: [],
    refuseAll: false,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('connect', (req: IncomingMessage, client: Socket) => {
    sockets.add(client);
    relayConnect(req, client, proxy);
  });

  return proxy;
}

const PROXY_VARIABLES = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'NO_PROXY',
  'no_proxy',
];

let savedEnv: Record<string, string | undefined>;
let server: FixtureServer;
let proxy: TestProxy;
let client: InstagramClient | undefined;

const PROFILE = { user_id: '17841400000000001', username: 'example_shop' };

/** A client reading the real process environment, as the app does. */
function clientFromEnvironment(
  overrides: Partial<InstagramClientOptions> = {},
): InstagramClient {
  client = createInstagramClient({
    ...fixtureClientOptions(server.origin),
    ...overrides,
  });

  return client;
}

beforeEach(async () => {
  savedEnv = Object.fromEntries(
    PROXY_VARIABLES.map((name) => [name, process.env[name]]),
  );
  PROXY_VARIABLES.forEach((name) => delete process.env[name]);
  server = await startFixtureServer({ 'GET /v23.0/me': jsonAnswer(PROFILE) });
  proxy = await startProxy();
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  await proxy.close();
  await server.close();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = value;
    }
  }
});

describe('proxies from the environment', () => {
  it('sends requests through HTTP_PROXY', async () => {
    process.env.HTTP_PROXY = proxy.origin;
    const api = clientFromEnvironment({ bypassProxyForLoopback: false });

    const profile = await api.fetchProfile('IGAAtoken');

    expect(profile.username).toBe('example_shop');
    expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${server.port}`]);
  });

  it('reads the lower-case http_proxy too', async () => {
    process.env.http_proxy = proxy.origin;
    const api = clientFromEnvironment({ bypassProxyForLoopback: false });

    await api.fetchProfile('IGAAtoken');

    expect(proxy.seen).toHaveLength(1);
  });

  it('goes direct to a host listed in NO_PROXY', async () => {
    process.env.HTTP_PROXY = proxy.origin;
    process.env.NO_PROXY = 'example.com,127.0.0.1';
    const api = clientFromEnvironment({ bypassProxyForLoopback: false });

    await api.fetchProfile('IGAAtoken');

    expect(proxy.seen).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('goes direct to loopback by default even with a proxy set', async () => {
    process.env.HTTP_PROXY = proxy.origin;
    const api = clientFromEnvironment();

    await api.fetchProfile('IGAAtoken');

    expect(proxy.seen).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('takes proxy variables from an environment passed in', async () => {
    const api = clientFromEnvironment({
      env: { HTTP_PROXY: proxy.origin },
      bypassProxyForLoopback: false,
    });

    await api.fetchProfile('IGAAtoken');

    expect(proxy.seen).toHaveLength(1);
  });
});

describe('proxy failures', () => {
  it('reports a proxy that refuses the tunnel as a network error', async () => {
    process.env.HTTP_PROXY = proxy.origin;
    proxy.refuseAll = true;
    const api = clientFromEnvironment({ bypassProxyForLoopback: false });

    const error: unknown = await api
      .fetchProfile('IGAAtoken')
      .catch((err: unknown) => err);

    expect(error).toBeInstanceOf(InstagramError);
    expect((error as InstagramError).kind).toBe('network');
    expect((error as InstagramError).message).toContain('proxy');
  });
});

describe('noProxyList', () => {
  it('adds the loopback hosts to the NO_PROXY list', () => {
    expect(noProxyList({ NO_PROXY: 'corp.example' }, true)).toBe(
      'corp.example,localhost,127.0.0.1,[::1]',
    );
  });

  it('keeps a lone * alone so it still means no proxy at all', () => {
    expect(noProxyList({ NO_PROXY: '*' }, true)).toBe('*');
  });

  it('prefers no_proxy over NO_PROXY, as undici does', () => {
    expect(noProxyList({ no_proxy: 'a.example', NO_PROXY: 'b' }, false)).toBe(
      'a.example',
    );
  });
});
