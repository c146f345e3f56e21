import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { type Logger } from '../../electron/core/logger';
import {
  AVATAR_MAX_BYTES,
  sniffImageType,
} from '../../electron/instagram/avatar';
import { type InstagramClient } from '../../electron/instagram/client';
import {
  type FixtureServer,
  startFixtureServer,
} from '../support/fixture-server';
import { fixtureClient } from '../support/instagram-client-fixtures';

/** A 1x1 transparent PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
const WEBP = Buffer.from('RIFF\x1a\x00\x00\x00WEBPVP8 ', 'latin1');

interface Warning {
  message: string;
  fields?: Record<string, unknown>;
}

function warningLogger(warnings: Warning[]): Logger {
  const ignore = (): void => undefined;
  const logger: Logger = {
    debug: ignore,
    info: ignore,
    warn: (message, fields) => warnings.push({ message, fields }),
    error: ignore,
    child: () => logger,
  };

  return logger;
}

let server: FixtureServer;
let client: InstagramClient;
let warnings: Warning[];

function serveImage(type: string, body: Buffer): void {
  server.route('GET', '/avatar', {
    headers: { 'content-type': type },
    body,
  });
}

beforeEach(async () => {
  server = await startFixtureServer();
  warnings = [];
  client = fixtureClient(server.origin, { logger: warningLogger(warnings) });
});

afterEach(async () => {
  await client.close();
  await server.close();
});

describe('fetchAvatar', () => {
  it('returns a PNG picture as a data URL', async () => {
    serveImage('image/png', PNG);

    const dataUrl = await client.fetchAvatar(server.url('/avatar'));

    expect(dataUrl).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
  });

  it('accepts a content type with parameters', async () => {
    serveImage('image/jpeg; charset=binary', JPEG);

    const dataUrl = await client.fetchAvatar(server.url('/avatar'));

    expect(dataUrl).toMatch(/^data:image\/jpeg;base64,/);
  });

  it('returns undefined for a content type that is not an image', async () => {
    serveImage('text/html', PNG);

    expect(await client.fetchAvatar(server.url('/avatar'))).toBeUndefined();
  });

  it('returns undefined for an image type whose bytes are not an image', async () => {
    serveImage('image/png', Buffer.from('<html>not a picture</html>'));

    expect(await client.fetchAvatar(server.url('/avatar'))).toBeUndefined();
  });

  it('returns undefined for a picture over the size limit', async () => {
    const huge = Buffer.concat([PNG, Buffer.alloc(AVATAR_MAX_BYTES)]);
    serveImage('image/png', huge);

    expect(await client.fetchAvatar(server.url('/avatar'))).toBeUndefined();
  });

  it('returns undefined for a failed status', async () => {
    server.route('GET', '/avatar', { status: 404, body: 'gone' });

    expect(await client.fetchAvatar(server.url('/avatar'))).toBeUndefined();
  });

  it.each([
    'file:///etc/passwd',
    'data:image/png;base64,AAAA',
    'javascript:alert(1)',
    'not a url',
  ])('refuses %s without sending anything', async (url) => {
    expect(await client.fetchAvatar(url)).toBeUndefined();
    expect(server.requests).toHaveLength(0);
  });

  it('returns undefined when the host cannot be reached', async () => {
    const closed = await startFixtureServer();
    await closed.close();

    expect(await client.fetchAvatar(closed.url('/avatar'))).toBeUndefined();
  });

  it('logs a failure with the host but not the signed query', async () => {
    server.route('GET', '/avatar', { status: 403, body: 'expired' });

    await client.fetchAvatar(server.url('/avatar?oh=signature-123&oe=66'));

    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings)).toContain(`127.0.0.1:${server.port}`);
    expect(JSON.stringify(warnings)).not.toContain('signature-123');
  });
});

describe('sniffImageType', () => {
  it.each([
    ['image/png', PNG],
    ['image/jpeg', JPEG],
    ['image/gif', GIF],
    ['image/webp', WEBP],
  ])('recognises %s by its first bytes', (type, bytes) => {
    expect(sniffImageType(bytes)).toBe(type);
  });

  it('recognises nothing in text', () => {
    expect(sniffImageType(Buffer.from('<svg></svg>'))).toBeUndefined();
  });
});
