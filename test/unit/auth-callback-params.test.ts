import { describe, expect, it } from 'vitest';

import {
  parsePastedRedirect,
  PasteNotRecognisedError,
} from '../../electron/auth/callback-params';
import {
  loopbackCallbackUrl,
  redirectUriFor,
} from '../../electron/auth/redirect-uri';

describe('pasted redirects', () => {
  it('reads the code of a pasted URL that ends in #_', () => {
    const pasted = 'http://127.0.0.1:53682/callback?code=AQB1x&state=S1#_';

    expect(parsePastedRedirect(pasted)).toMatchObject({
      code: 'AQB1x',
      state: 'S1',
    });
  });

  it('reads a bare code, trimming white space and the #_ suffix', () => {
    expect(parsePastedRedirect('  AQB1xyz#_\n')).toEqual({ code: 'AQB1xyz' });
  });

  it('reads a refusal from a pasted URL', () => {
    const pasted =
      'https://relay.example/cb?error=access_denied' +
      '&error_reason=user_denied&state=S2';

    expect(parsePastedRedirect(pasted)).toMatchObject({
      error: 'access_denied',
      errorReason: 'user_denied',
      state: 'S2',
    });
  });

  it('refuses text that is neither a redirect nor a code', () => {
    expect(() => parsePastedRedirect('hello world')).toThrow(
      PasteNotRecognisedError,
    );
    expect(() => parsePastedRedirect('https://x.test/?foo=1')).toThrow(
      PasteNotRecognisedError,
    );
  });
});

describe('redirect URI', () => {
  it('uses the literal 127.0.0.1, never localhost', () => {
    const uri = redirectUriFor({
      redirectMode: 'loopback',
      relayUrl: '',
      port: 53682,
    });

    expect(uri).toBe('http://127.0.0.1:53682/callback');
    expect(uri).toBe(loopbackCallbackUrl(53682));
  });

  it('gives the relay page, byte for byte, in relay mode', () => {
    const relayUrl = 'https://me.example/instalink/callback/';

    expect(
      redirectUriFor({ redirectMode: 'relay', relayUrl, port: 53682 }),
    ).toBe(relayUrl);
  });
});
