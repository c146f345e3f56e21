import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { afterEach, describe, expect, it } from 'vitest';

import { createLogger, type Logger } from '../../electron/core/logger';

/** A logger writing into memory, and the JSON lines it wrote. */
function capture(level = 'debug'): {
  logger: Logger;
  lines: () => Array<Record<string, unknown>>;
  text: () => string;
} {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ destination, level });
  const text = (): string => chunks.join('');
  const lines = (): Array<Record<string, unknown>> =>
    text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  return { logger, lines, text };
}

/** Logs once and returns the single line written. */
function logOnce(
  message: string,
  fields?: Record<string, unknown>,
): Record<string, unknown> {
  const { logger, lines } = capture();
  logger.info(message, fields);
  const written = lines();
  expect(written).toHaveLength(1);

  return written[0] ?? {};
}

const LONG_TOKEN = 'IGAAJx7Qk2mZbWlZAFNaT3RrN2t5S0Vv';

describe('logger output', () => {
  it('writes one JSON line with level name, time and message', () => {
    const line = logOnce('account linked', { userId: '17841400000000001' });

    expect(line).toMatchObject({
      level: 'info',
      msg: 'account linked',
      userId: '17841400000000001',
    });
    expect(typeof line.time).toBe('string');
  });

  it('adds the module name on lines of a child logger', () => {
    const { logger, lines } = capture();
    logger.child('auth').child('loopback').warn('stray request');

    expect(lines()[0]).toMatchObject({ module: 'auth.loopback' });
  });

  it('drops lines below the configured level', () => {
    const { logger, lines } = capture('info');
    logger.debug('noisy detail');
    logger.info('kept');

    expect(lines().map((line) => line.msg)).toEqual(['kept']);
  });

  it('falls back to info for an unknown level name', () => {
    const { logger, lines } = capture('verbose');
    logger.debug('noisy detail');
    logger.info('kept');

    expect(lines().map((line) => line.msg)).toEqual(['kept']);
  });
});

describe('logger file destination', () => {
  let folder: string;

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('creates the log folder and writes owner-only JSON lines', async () => {
    folder = await mkdtemp(join(tmpdir(), 'instalink-log-'));
    const filePath = join(folder, 'logs', 'instalink.log');
    createLogger({ filePath }).info('started', { accessToken: LONG_TOKEN });

    const line = JSON.parse(await readFile(filePath, 'utf8')) as object;
    expect(line).toMatchObject({ msg: 'started', accessToken: '[redacted]' });
    expect((await stat(filePath)).mode & 0o777).toBe(0o600);
  });
});

describe('redaction of fields named like secrets', () => {
  it.each([
    'token',
    'access_token',
    'accessToken',
    'secret',
    'client_secret',
    'appSecret',
    'code',
    'code_verifier',
    'verifier',
    'password',
  ])('replaces the value of a field named %s', (key) => {
    const line = logOnce('exchange', { [key]: 'AQBx9-sensitive-value' });

    expect(line[key]).toBe('[redacted]');
  });

  it('replaces secret fields nested in objects and arrays', () => {
    const line = logOnce('exchange', {
      request: { form: { client_secret: 'abc123abc123' } },
      accounts: [{ userId: '1', accessToken: 'short' }],
    });

    expect(line.request).toEqual({ form: { client_secret: '[redacted]' } });
    expect(line.accounts).toEqual([{ userId: '1', accessToken: '[redacted]' }]);
  });

  it('keeps a numeric code, which is an Instagram error code', () => {
    const line = logOnce('graph error', { code: 190 });

    expect(line.code).toBe(190);
  });

  it('keeps a code that is a Node errno name', () => {
    const line = logOnce('cannot read', { code: 'EACCES' });

    expect(line.code).toBe('EACCES');
  });
});

describe('redaction inside text', () => {
  it('replaces an access_token query parameter in the message', () => {
    const line = logOnce(
      'GET /refresh_access_token?grant_type=ig_refresh_token&access_token=abc',
    );

    expect(line.msg).toBe(
      'GET /refresh_access_token?grant_type=ig_refresh_token' +
        '&access_token=[redacted]',
    );
  });

  it('replaces a client_secret query parameter in a field value', () => {
    const line = logOnce('request', {
      url: '/access_token?client_secret=0f1e2d3c&grant_type=x',
    });

    expect(line.url).toBe(
      '/access_token?client_secret=[redacted]&grant_type=x',
    );
  });

  it('replaces a code query parameter but not error_code', () => {
    const line = logOnce('callback /callback?code=AQB1x&state=s1&error_code=4');

    expect(line.msg).toBe(
      'callback /callback?code=[redacted]&state=s1&error_code=4',
    );
  });

  it('replaces a code_verifier form parameter', () => {
    const line = logOnce('form', {
      body: 'grant_type=authorization_code&code_verifier=dBjftJeZ4CVP',
    });

    expect(line.body).toBe(
      'grant_type=authorization_code&code_verifier=[redacted]',
    );
  });

  it('replaces a token after Bearer', () => {
    const line = logOnce('header Authorization: Bearer abc.def-123');

    expect(line.msg).toBe('header Authorization: Bearer [redacted]');
  });

  it('replaces an Instagram token starting IGAA', () => {
    const line = logOnce(`token was ${LONG_TOKEN} here`);

    expect(line.msg).toBe('token was [redacted] here');
  });

  it('replaces an Instagram token starting IGQV', () => {
    const line = logOnce('old token IGQVJYeUk4dVNDa0dLM0tB');

    expect(line.msg).toBe('old token [redacted]');
  });

  it('replaces a Facebook token starting EAA', () => {
    const line = logOnce('fb', { note: 'EAAGm0PX4ZCpsBAKZCZCv' });

    expect(line.note).toBe('[redacted]');
  });

  it('leaves a short word with a token prefix alone', () => {
    const line = logOnce('IGAA is a prefix; EAAB too');

    expect(line.msg).toBe('IGAA is a prefix; EAAB too');
  });

  it('replaces token values inside a JSON body excerpt', () => {
    const line = logOnce('body', {
      excerpt: '{"access_token": "abc", "user_id": 17841400000000001}',
    });

    expect(line.excerpt).toBe(
      '{"access_token":"[redacted]", "user_id": 17841400000000001}',
    );
  });

  it('replaces secrets in the message and stack of a logged error', () => {
    const error = new Error(`refresh failed for ${LONG_TOKEN}`);
    const { logger, lines, text } = capture();
    logger.error('refresh failed', { error });

    expect(lines()[0]?.error).toMatchObject({
      type: 'Error',
      message: 'refresh failed for [redacted]',
    });
    expect(text()).not.toContain(LONG_TOKEN);
  });
});

describe('a field named code', () => {
  it('keeps an errno-style name with underscores', () => {
    const line = logOnce('request failed', { code: 'UND_ERR_CONNECT_TIMEOUT' });

    expect(line.code).toBe('UND_ERR_CONNECT_TIMEOUT');
  });

  it('keeps a short Node error code like ERR_X', () => {
    const line = logOnce('bad url', { code: 'ERR_INVALID_URL' });

    expect(line.code).toBe('ERR_INVALID_URL');
  });

  it('keeps a lowercase kebab-case error code', () => {
    const line = logOnce('a call ended', { code: 'refresh-too-early' });

    expect(line.code).toBe('refresh-too-early');
  });

  it('keeps a single lowercase word', () => {
    const line = logOnce('a call ended', { code: 'forbidden' });

    expect(line.code).toBe('forbidden');
  });

  it('keeps the code of a logged error', () => {
    const error = Object.assign(new Error('too early'), {
      code: 'refresh-too-early',
    });
    const { logger, lines } = capture();
    logger.error('refresh refused', { error });

    expect(lines()[0]?.error).toMatchObject({ code: 'refresh-too-early' });
  });

  it('keeps a numeric code under a capitalised field name', () => {
    const line = logOnce('graph error', { Code: 190 });

    expect(line.Code).toBe(190);
  });

  it.each([
    ['a short authorization code', 'AQBx9'],
    ['a long authorization code', `AQBx${'k7Qm2ZbWlZAFNaT3'.repeat(12)}`],
    ['a mixed-case random string', 'kLmNoPqRsT'],
    ['a lowercase string with digits, as hex codes are', 'a3f9c2e1b7d4'],
    ['a lowercase identifier over 40 characters', `${'word-'.repeat(8)}end`],
    ['an uppercase string without an underscore or E', 'QWERTYUIOP'],
  ])('redacts %s', (_label, value) => {
    const line = logOnce('callback', { code: value });

    expect(line.code).toBe('[redacted]');
  });

  it('still redacts a code query parameter that looks like a word', () => {
    const line = logOnce('callback', { url: '/callback?code=forbidden' });

    expect(line.url).toBe('/callback?code=[redacted]');
  });
});
