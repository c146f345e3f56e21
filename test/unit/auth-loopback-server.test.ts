import { createServer, type Server } from 'node:net';

import { request } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  type CallbackPage,
  outcomePage,
} from '../../electron/auth/callback-page';
import { type CallbackParams } from '../../electron/auth/callback-params';
import {
  type LoopbackServer,
  PortTakenError,
  startLoopbackServer,
} from '../../electron/auth/loopback-server';
import { silentLogger } from '../../electron/core/logger';

const STATE = 'state-0123456789abcdefghijklmnopqrstuvwxyzABCDE';

let server: LoopbackServer | undefined;
let blocker: Server | undefined;

afterEach(async () => {
  await server?.close();
  blocker?.close();
  server = blocker = undefined;
});

async function start(
  onCallback: (params: CallbackParams) => Promise<CallbackPage> = vi.fn(
    async () => outcomePage(true, '@shop is linked.'),
  ),
) {
  server = await startLoopbackServer({
    port: 0,
    expectedState: STATE,
    onCallback,
    logger: silentLogger,
  });
  return { onCallback, base: `http://127.0.0.1:${server.port}` };
}

async function get(url: string, method: 'GET' | 'POST' | 'HEAD' = 'GET') {
  const response = await request(url, { method });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: await response.body.text(),
  };
}

describe('the loopback server', () => {
  it('binds the literal 127.0.0.1 and nothing else', async () => {
    await start();

    expect(server!.host).toBe('127.0.0.1');
  });

  it('answers a favicon request with 404, then links on the callback', async () => {
    const { onCallback, base } = await start();

    const favicon = await get(`${base}/favicon.ico`);
    const callback = await get(`${base}/callback?code=C1&state=${STATE}`);

    expect(favicon.status).toBe(404);
    expect(callback.status).toBe(200);
    expect(callback.body).toContain('@shop is linked.');
    expect(onCallback).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ code: 'C1', state: STATE }),
    );
  });

  it('answers other methods with 405 and keeps waiting', async () => {
    const { onCallback, base } = await start();

    const post = await get(`${base}/callback?code=C1&state=${STATE}`, 'POST');

    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    expect(onCallback).not.toHaveBeenCalled();
  });

  it('does not let a HEAD request use up the callback', async () => {
    const { onCallback, base } = await start();
    const url = `${base}/callback?code=C1&state=${STATE}`;

    const head = await get(url, 'HEAD');
    const real = await get(url);

    expect(head.status).toBe(405);
    expect(real.status).toBe(200);
    expect(onCallback).toHaveBeenCalledOnce();
  });

  it('refuses an unknown state with 400 and changes nothing', async () => {
    const { onCallback, base } = await start();

    const wrong = await get(`${base}/callback?code=C1&state=other`);
    const missing = await get(`${base}/callback?code=C1`);
    const right = await get(`${base}/callback?code=C2&state=${STATE}`);

    expect([wrong.status, missing.status, right.status]).toEqual([
      400, 400, 200,
    ]);
    expect(onCallback).toHaveBeenCalledExactlyOnceWith(
      expect.objectContaining({ code: 'C2' }),
    );
  });

  it('hands a callback delivered twice to the flow only once', async () => {
    const { onCallback, base } = await start();
    const url = `${base}/callback?code=C1&state=${STATE}`;

    const [first, second] = await Promise.all([get(url), get(url)]);

    expect(onCallback).toHaveBeenCalledTimes(1);
    const pages = [first, second].map((page) => page.status).sort();
    expect(pages).toEqual([200, 400]);
    expect(first.body + second.body).toContain('already completed');
  });

  it('sends no referrer and allows nothing from elsewhere', async () => {
    const { base } = await start();

    const page = await get(`${base}/callback?code=C1&state=${STATE}`);

    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['content-security-policy']).toMatch(
      /^default-src 'none'/,
    );
    expect(page.body).not.toMatch(/<script|src=|href=/);
  });

  it('escapes every value it echoes into the page', async () => {
    const { base } = await start(async () =>
      outcomePage(false, 'Bad name "><script>alert(1)</script>'),
    );

    const page = await get(`${base}/callback?code=C1&state=${STATE}`);

    expect(page.body).not.toContain('<script>');
    expect(page.body).toContain('&lt;script&gt;');
  });

  it('fails at once with the port in the message when it is taken', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) =>
      blocker!.listen(0, '127.0.0.1', resolve),
    );
    const port = (blocker.address() as { port: number }).port;

    const attempt = startLoopbackServer({
      port,
      expectedState: STATE,
      onCallback: vi.fn(),
      logger: silentLogger,
    });

    await expect(attempt).rejects.toBeInstanceOf(PortTakenError);
    await expect(attempt).rejects.toThrow(String(port));
  });

  it('stops listening once closed', async () => {
    const { base } = await start();

    await server!.close();

    await expect(get(`${base}/callback`)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('loopback connections', () => {
  it('closes every connection after answering, so none outlives a flow', async () => {
    const { base } = await start();

    const page = await get(`${base}/favicon.ico`);

    expect(page.headers.connection).toBe('close');
  });
});
