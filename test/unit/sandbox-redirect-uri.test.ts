import { describe, expect, it } from 'vitest';

import {
  formActionSource,
  redirectUriProblem,
  withQuery,
} from '../../electron/sandbox/redirect-uri';

describe('redirectUriProblem', () => {
  it.each([
    'http://127.0.0.1:8080/callback',
    'http://[::1]:8080/callback',
    'https://relay.example.com/instalink/',
    'https://relay.example.com/cb?app=instalink',
  ])('accepts %s', (uri) => {
    expect(redirectUriProblem(uri)).toBeUndefined();
  });

  it.each([
    'http://localhost:8080/callback',
    'http://0.0.0.0:8080/callback',
    'http://127.0.0.2:8080/callback',
    'ftp://127.0.0.1/callback',
    'https://user:pass@example.com/cb',
    'https://example.com/cb#_',
    'https://exämple.com/cb',
    'not a url',
    '',
  ])('refuses %j', (uri) => {
    expect(redirectUriProblem(uri)).toEqual(expect.any(String));
  });
});

describe('withQuery', () => {
  it('starts a query on a URI without one', () => {
    const params = new URLSearchParams({ code: 'AQ1', state: 'a b' });

    expect(withQuery('http://127.0.0.1:1/cb', params)).toBe(
      'http://127.0.0.1:1/cb?code=AQ1&state=a+b',
    );
  });

  it('extends the query of a URI that has one, leaving it as written', () => {
    const params = new URLSearchParams({ code: 'AQ1' });

    expect(withQuery('https://x.example/cb?a=%7e', params)).toBe(
      'https://x.example/cb?a=%7e&code=AQ1',
    );
  });
});

describe('formActionSource', () => {
  it('names the exact origin of an IPv4 loopback URI', () => {
    expect(formActionSource('http://127.0.0.1:8080/callback')).toBe(
      'http://127.0.0.1:8080',
    );
  });

  it('falls back to the scheme for an IPv6 literal, which CSP cannot name', () => {
    expect(formActionSource('http://[::1]:8080/callback')).toBe('http:');
  });
});
